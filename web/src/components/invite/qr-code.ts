/**
 * A link as a QR code a phone's camera opens straight to the join page: drawn in the browser by the
 * `qrcode` library (no request leaves the page, the token stays in the URL's fragment), shown as an
 * image (data: URLs are all the pages' CSP allows for images besides their own), with SVG and PNG
 * downloads. Folded until asked for (most people copy the link); open at once where the code itself
 * was asked for.
 */
import QRCode from 'qrcode';
import { h } from '../../lib/dom.ts';

/** Options both drawings share, so the PNG is the SVG's picture: medium error correction, the standard quiet zone. */
const DRAWING = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** The SVG markup of `url`'s QR code (exported for the tests to draw the same code on their side). */
export const qrSvg = (url: string): Promise<string> => QRCode.toString(url, { ...DRAWING, type: 'svg' });

/** The downloads' name, after the link: "invite-link-Spring-interns", else the start of its id. */
export const qrFileName = (link: { id: string; label?: string }) => `invite-link-${(link.label ?? link.id.slice(0, 8)).replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** "QR code" folded under the link (`open`: unfolded and drawn at once), the code, and downloads named `fileName`. */
export function qrCode(url: string, fileName: string, { open = false } = {}): HTMLElement {
  const image = h('img', { class: 'qr-image', alt: 'QR code of the invite link', width: 220, height: 220 });
  const svgLink = h('a', { class: 'button small qr-download-svg', download: `${fileName}.svg` }, 'Download SVG');
  const pngLink = h('a', { class: 'button small qr-download-png', download: `${fileName}.png` }, 'Download PNG');
  const details = h(
    'details',
    { class: 'qr-code', open },
    h('summary', {}, 'QR code'),
    h('p', { class: 'hint' }, 'A phone’s camera opens the join page from it. Anyone who can see it can join, as with the link.'),
    image,
    h('div', { class: 'actions start pair' }, svgLink, pngLink),
  );
  let drawn = false;
  async function draw() {
    if (!details.open || drawn) return;
    drawn = true;
    const svg = await qrSvg(url);
    const svgUrl = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    image.setAttribute('src', svgUrl);
    svgLink.setAttribute('href', svgUrl);
    pngLink.setAttribute('href', await QRCode.toDataURL(url, { ...DRAWING, width: 880 }));
  }
  details.addEventListener('toggle', () => void draw());
  void draw();
  return details;
}
