/**
 * Page not found: what a browser gets, with status 404, for an address no page has (a mistyped or
 * outdated one). It says so in the pages' words and shows the way on: the page the address looks
 * like (/Users, /login), Home or Sign in, and every page of the app.
 */
import './not-found.css';
import { byId, h, render } from '../lib/dom.ts';

const PAGES = [
  { href: '/home', label: 'Home', what: 'what you have in your organisation' },
  { href: '/users', label: 'Users', what: 'who is in, and + New Users to invite people' },
  { href: '/requests', label: 'Requests', what: 'requests to join through links that need approval' },
  { href: '/activity', label: 'Activity', what: 'who did what, newest first' },
  { href: '/settings', label: 'Login Settings', what: 'the invite-link switch (admins)' },
  { href: '/api', label: 'API reference', what: 'the v1 API' },
] as const;

const SIGN_IN = { href: '/signin', label: 'Sign in' };

/** Addresses people type for a page that has another name here, lower case, without slashes. */
const OTHER_NAMES: Record<string, { href: string; label: string }> = {
  login: SIGN_IN,
  'log-in': SIGN_IN,
  signin: SIGN_IN,
  'sign-in': SIGN_IN,
  signup: SIGN_IN,
  'sign-up': SIGN_IN,
  register: SIGN_IN,
  index: PAGES[1],
  'index.html': PAGES[1],
  members: PAGES[1],
  'login-settings': PAGES[4],
  docs: PAGES[5],
};

/** The page an address probably meant: the same name in another case or with extra slashes, or a common other name. */
function meant(path: string): { href: string; label: string } | undefined {
  const name = path.replace(/^\/+|\/+$/g, '').toLowerCase();
  return PAGES.find((p) => p.href.slice(1) === name) ?? OTHER_NAMES[name];
}

function show() {
  const path = location.pathname;
  const suggestion = meant(path);
  const looksLikeJoin = /join|invite/i.test(path);
  render(
    byId('main'),
    h(
      'article',
      { class: 'card not-found' },
      h('p', { class: 'eyebrow' }, 'Error 404'),
      h('h1', {}, 'Page not found'),
      h('p', {}, 'There is no page at ', h('code', { class: 'address' }, path), '. The address may be mistyped or out of date.'),
      suggestion ? h('p', { class: 'notice' }, 'Looking for ', h('a', { href: suggestion.href }, suggestion.label), '?') : null,
      looksLikeJoin
        ? h('p', {}, 'Opening an invite link? Use the whole link from the message, including everything after ', h('code', {}, '/join#'), '; if it still does not open, ask the person who invited you for a new one.')
        : null,
      h(
        'div',
        { class: 'actions start' },
        h('a', { class: 'button primary', href: '/home' }, 'Go to Home'),
        h('a', { class: 'button', href: SIGN_IN.href }, SIGN_IN.label),
      ),
      h('h2', {}, 'The pages of Invite links'),
      h(
        'ul',
        { class: 'page-list' },
        PAGES.map((p) => h('li', {}, h('a', { href: p.href }, p.label), h('span', { class: 'muted' }, `: ${p.what}`))),
      ),
      h('p', { class: 'muted small' }, 'Home, Users, Activity and Login Settings ask you to sign in first, then bring you to the page.'),
    ),
  );
}

show();
