/**
 * API reference (/api): the service's OpenAPI 3.1 document, rendered by Swagger UI. The renderer
 * is bundled into this page's script and its stylesheet into /assets/api.css, so the page needs
 * nothing from another host and nothing the pages' CSP forbids (no inline style or script, no eval).
 * Read-only: no "Try it out", so the page never holds or sends a token, and no control that would
 * only work with it (parameter boxes, one-choice media type pickers). The top bar leads back to the app.
 */
import SwaggerUI, { type SwaggerUISystem } from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import './api.css';
import { loadConfig } from '../lib/api.ts';
import { byId, h, render } from '../lib/dom.ts';

const main = byId('main');

async function start() {
  const { apiBaseUrl } = await loadConfig();
  const url = `${apiBaseUrl}/v1/openapi.json`;
  const reference = h('div', { class: 'api-reference', 'aria-busy': 'true' });
  render(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'API reference')),
    h('p', { class: 'muted' }, 'Every operation of the v1 API, its input, its answers and its errors, from the service’s OpenAPI 3.1 document.'),
    reference,
  );
  SwaggerUI({
    url,
    domNode: reference,
    // Operations and tags get addresses (#/Joining/lookupInviteLink) that can be shared.
    deepLinking: true,
    supportedSubmitMethods: [],
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 1,
    onComplete: () => reference.removeAttribute('aria-busy'),
    plugins: [plainDeepLinks, readOnlyControls],
  });
}

/**
 * Swagger UI puts each operation's deep link (an <a>) inside the button that expands it, and a
 * link inside a button is no control at all to a screen reader. The text stays; the address still
 * follows what is expanded (deepLinking), so it can be shared as before.
 */
const plainDeepLinks = () => ({
  wrapComponents: {
    DeepLink: (_original: unknown, system: SwaggerUISystem) => (props: Props) => system.React.createElement('span', null, props.text),
  },
});

type Props = Record<string, unknown>;

/**
 * Without "Try it out" Swagger UI still draws each parameter's input box, disabled, and a picker
 * for a response's media type even when there is only one: boxes that take nothing and pickers
 * with nothing to pick. Parameters keep their name, type, place and example; a lone media type
 * is named as text. A picker with a real choice (problem+json or API Gateway's JSON) stays.
 */
const readOnlyControls = () => ({
  wrapComponents: {
    JsonSchemaForm: (original: unknown, system: SwaggerUISystem) => (props: Props) => (props.disabled ? null : system.React.createElement(original, props)),
    contentType: (original: unknown, system: SwaggerUISystem) => (props: Props) => {
      const types = props.contentTypes as { size: number; first(): string } | undefined;
      if (!types || types.size !== 1) return system.React.createElement(original, props);
      const { createElement } = system.React;
      // The picker stays mounted but hidden: it is what tells Swagger UI which example to show.
      return createElement('div', { className: 'content-type-single' }, createElement('code', null, types.first()), createElement('div', { hidden: true }, createElement(original, props)));
    },
  },
});

start().catch((error: unknown) => {
  render(main, h('h1', {}, 'API reference'), h('p', { class: 'notice error', role: 'alert' }, `The API reference could not be shown: ${String(error)}`));
});
