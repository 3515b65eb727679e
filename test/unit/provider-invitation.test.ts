/** The invitation the local provider's pages show during a sign-in (local/identity/invitation.ts): what it accepts, what it says, whom it admits. */
import { describe, expect, it } from 'vitest';
import { admits, invitationOf, invitationParamFault, invitationSentence } from '../../local/identity/invitation.ts';

describe('the invitation a sign-in is for', () => {
  it('reads the organisation and the email domains, lower case, once each', () => {
    expect(invitationOf({ invite_org: '  Demo Media Co ', invite_email_domains: 'Demo.test, example.org,demo.test' })).toEqual({ organisation: 'Demo Media Co', emailDomains: ['demo.test', 'example.org'] });
    expect(invitationOf({ invite_org: 'Demo Media Co' })).toEqual({ organisation: 'Demo Media Co', emailDomains: [] });
    expect(invitationOf({ screen_hint: 'signup' })).toBeUndefined();
  });

  it('finds fault with what it would not show: markup, control characters, an overlong name, anything but email domains', () => {
    for (const organisation of ['', '   ', '<script>', 'Demo\u0000Co', 'Demo\u202eCo', 'x'.repeat(101)]) expect(invitationParamFault('invite_org', organisation), organisation).toMatch(/^invite_org must be/);
    for (const domains of ['example', 'a@example.com', 'example.com,', Array.from({ length: 21 }, (_, i) => `d${i}.test`).join(',')]) expect(invitationParamFault('invite_email_domains', domains), domains).toMatch(/^invite_email_domains must be/);
    expect(invitationParamFault('invite_org', 'Studio Ünïcode & Co')).toBeUndefined();
    expect(invitationParamFault('invite_email_domains', undefined)).toBeUndefined();
  });

  it('says who the person is joining and which address to use', () => {
    expect(invitationSentence({ organisation: 'Demo Media Co', emailDomains: ['demo.test'] })).toBe('Joining Demo Media Co — use your @demo.test address');
    expect(invitationSentence({ organisation: 'Demo Media Co', emailDomains: ['demo.test', 'example.org'] })).toBe('Joining Demo Media Co — use your @demo.test or @example.org address');
    expect(invitationSentence({ organisation: 'Demo Media Co', emailDomains: [] })).toBe('Joining Demo Media Co');
  });

  it('admits an email at one of its domains, exactly, whatever the case; any email when it names none', () => {
    const invitation = { organisation: 'Demo Media Co', emailDomains: ['demo.test'] };
    expect(admits(invitation, 'Pat@Demo.Test')).toBe(true);
    expect(admits(invitation, 'pat@sub.demo.test')).toBe(false);
    expect(admits(invitation, 'pat@elsewhere.test')).toBe(false);
    expect(admits({ ...invitation, emailDomains: [] }, 'pat@elsewhere.test')).toBe(true);
    expect(admits(undefined, 'pat@elsewhere.test')).toBe(true);
  });
});
