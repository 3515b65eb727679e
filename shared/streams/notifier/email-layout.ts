/**
 * How every email of the service is written: a subject and a list of blocks, each rendered once as
 * plain text and once as HTML (escaped), so the two parts cannot say different things. Pure.
 */
import { USER_TYPE_LABEL } from '../../domain/types.ts';
import type { GrantNames } from './recipients.ts';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

export interface EmailLink {
  label: string;
  href: string;
  /** The words before the address in the plain-text part, where they differ from the anchor's. */
  textLabel?: string;
}

/** A paragraph (optionally ending in a link), a table of label and value, a line of links, or a quoted message. */
export type Block =
  | { p: string; link?: EmailLink }
  | { rows: [string, string][] }
  | { links: EmailLink[] }
  | { quote: string; label: string };

export function composeEmail(subject: string, blocks: Block[]): Email {
  const text = blocks.map(textOf).join('\n\n');
  const html = ['<!doctype html><html><body style="font-family: sans-serif">', ...blocks.map(htmlOf), '</body></html>'].join('\n');
  return { subject, text, html };
}

function textOf(block: Block): string {
  if ('rows' in block) return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
  if ('links' in block) return block.links.map(({ label, href, textLabel = label }) => `${textLabel}: ${href}`).join('\n');
  if ('quote' in block) return `${block.label} “${block.quote}”`;
  return block.link ? `${block.p} ${block.link.href}` : block.p;
}

function htmlOf(block: Block): string {
  if ('rows' in block) {
    const rows = block.rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`);
    return ['<table cellpadding="4">', ...rows, '</table>'].join('\n');
  }
  if ('links' in block) return `<p>${block.links.map(anchor).join(' · ')}</p>`;
  if ('quote' in block) return `<p>${escapeHtml(block.label)}</p><blockquote>${escapeHtml(block.quote).replace(/\r?\n/g, '<br>')}</blockquote>`;
  return `<p>${escapeHtml(block.p)}${block.link ? ` ${anchor(block.link)}.` : ''}</p>`;
}

const anchor = ({ label, href }: EmailLink) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What a link or invitation hands out, as rows: user type in words, primary first. */
export function grantRows(grant: GrantNames): [string, string][] {
  return [
    ['User type', USER_TYPE_LABEL[grant.userType]],
    ...(grant.primaryTeam !== undefined ? [['Primary team', grant.primaryTeam] as [string, string]] : []),
    ...(grant.primaryGroup !== undefined ? [['Primary legacy group', grant.primaryGroup] as [string, string]] : []),
    ['Additional teams', list(grant.additionalTeams)],
    ['Role groups', list(grant.roleGroups)],
    ['Legacy groups', list(grant.groups)],
  ];
}

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Mar 2026, 14:05 UTC": the pages' way of writing a time, in UTC with the zone named, the same for every recipient. */
export const when = (iso: string) => {
  const at = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
};
