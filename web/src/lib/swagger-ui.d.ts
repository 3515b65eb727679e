/** The part of Swagger UI's bundle (swagger-ui-dist ships no types) that the API reference page uses. */
declare module 'swagger-ui-dist/swagger-ui-es-bundle.js' {
  interface SwaggerUIOptions {
    url: string;
    domNode: Element;
    deepLinking?: boolean;
    /** `[]`: no "Try it out"; the page only reads the document. */
    supportedSubmitMethods?: string[];
    /** `null`: no badge fetched from the public validator. */
    validatorUrl?: string | null;
    docExpansion?: 'list' | 'full' | 'none';
    defaultModelsExpandDepth?: number;
    defaultModelExpandDepth?: number;
    displayRequestDuration?: boolean;
    onComplete?: () => void;
    /** Plugins: here, components wrapped to render differently. */
    plugins?: (() => SwaggerUIPlugin)[];
  }
  export interface SwaggerUISystem {
    /** `type`: an element's tag name, or a component Swagger UI handed to a wrapper. */
    React: { createElement(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown };
  }
  interface SwaggerUIPlugin {
    wrapComponents?: Record<string, (original: unknown, system: SwaggerUISystem) => (props: Record<string, unknown>) => unknown>;
  }
  const SwaggerUI: (options: SwaggerUIOptions) => unknown;
  export default SwaggerUI;
}
