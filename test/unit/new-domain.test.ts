/** An operator's description of a new domain, checked and turned into a directory: no AWS at all. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstAdminRecords, InvalidNewDomain, parseNewDomain, slugOf, type NewDomainInput } from '../../shared/domain/new-domain.ts';
import { entityId } from '../../shared/domain/values.ts';
import { DEMO_DIRECTORIES } from '../../local/demo-data.ts';

const input = (overrides: Partial<NewDomainInput> = {}): NewDomainInput => ({
  name: 'Acme Studio',
  teams: ['Editors'],
  roleGroups: [],
  groups: [],
  adminEmail: 'ada@acme.test',
  adminFirstName: 'Ada',
  adminLastName: 'Lovelace',
  ...overrides,
});

const refusal = (overrides: Partial<NewDomainInput>) => {
  try {
    parseNewDomain(input(overrides));
  } catch (error) {
    if (error instanceof InvalidNewDomain) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected the input to be refused');
};

describe('ids are made from names', () => {
  it('"User Managers" becomes user-managers', () => {
    expect(slugOf('User Managers')).toBe('user-managers');
  });

  it('accents are dropped and runs of other characters become one dash', () => {
    expect(slugOf('  Café & Crème -- Ltd. ')).toBe('cafe-creme-ltd');
  });

  it('a long name makes an id of at most 64 characters that does not end in a dash', () => {
    const id = slugOf(`${'a'.repeat(63)} b`);
    expect(id).toBe('a'.repeat(63));
  });

  it('every id made from a name is an id the API accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (name) => {
        const id = slugOf(name);
        if (id !== '') expect(entityId.safeParse(id).success).toBe(true);
      }),
    );
  });
});

describe('a new domain', () => {
  it('describing the demo domain by its names gives exactly the demo directory', () => {
    const { directory } = parseNewDomain(
      input({
        name: 'Demo Media Co',
        teams: ['Editors', 'Producers', 'Marketing'],
        defaultTeam: 'Editors',
        roleGroups: ['Viewers', 'Contributors', 'User Managers=users:create'],
        groups: ['Archive'],
      }),
    );
    expect(directory).toEqual(DEMO_DIRECTORIES[0]);
  });

  it('takes its id from its name unless one is given', () => {
    expect(parseNewDomain(input()).directory.domain.domainId).toBe('acme-studio');
    expect(parseNewDomain(input({ id: 'acme_2' })).directory.domain.domainId).toBe('acme_2');
  });

  it('starts with invite links enabled, in generation 0', () => {
    expect(parseNewDomain(input()).directory.domain).toMatchObject({ linksEnabled: true, linkGeneration: 0 });
  });

  it('refuses an id the API would refuse', () => {
    expect(refusal({ id: 'acme studio' })).toMatchObject({ field: 'id', message: expect.stringContaining('letters, digits, _ and -') });
    expect(refusal({ id: 'a'.repeat(65) })).toMatchObject({ field: 'id', message: expect.stringContaining('64') });
    expect(refusal({ id: '' })).toMatchObject({ field: 'id' });
  });

  it('refuses a name with nothing to make an id from, unless an id is given', () => {
    expect(refusal({ name: '日本' })).toMatchObject({ field: 'name' });
    expect(parseNewDomain(input({ name: '日本', id: 'nihon' })).directory.domain).toMatchObject({ domainId: 'nihon', name: '日本' });
  });

  it('takes names of up to 100 characters, trimmed, and refuses longer ones', () => {
    expect(parseNewDomain(input({ name: ` ${'N'.repeat(100)} ` })).directory.domain.name).toBe('N'.repeat(100));
    expect(refusal({ name: 'N'.repeat(101) })).toMatchObject({ field: 'name' });
    expect(refusal({ teams: ['T'.repeat(101)] })).toMatchObject({ field: 'teams' });
  });

  it('refuses empty names and names with control characters or < >', () => {
    expect(refusal({ name: '   ' })).toMatchObject({ field: 'name', message: expect.stringContaining('required') });
    expect(refusal({ groups: ['Arch\u0007ive'] })).toMatchObject({ field: 'groups' });
    expect(refusal({ roleGroups: ['<b>Bold</b>'] })).toMatchObject({ field: 'roleGroups' });
  });
});

describe('teams and the default team', () => {
  it('needs at least one team', () => {
    expect(refusal({ teams: [] })).toMatchObject({ field: 'teams' });
  });

  it('with one team, that team is the default', () => {
    expect(parseNewDomain(input()).directory.domain.defaultTeamId).toBe('editors');
  });

  it('with several teams, the default team must be named', () => {
    expect(refusal({ teams: ['Editors', 'Crew'] })).toMatchObject({ field: 'defaultTeam', message: expect.stringContaining('Editors, Crew') });
  });

  it('the default team is one of the teams, named by its name (any case) or its id', () => {
    const teams = ['Editors', 'Night Crew'];
    expect(parseNewDomain(input({ teams, defaultTeam: 'night crew' })).directory.domain.defaultTeamId).toBe('night-crew');
    expect(parseNewDomain(input({ teams, defaultTeam: 'night-crew' })).directory.domain.defaultTeamId).toBe('night-crew');
    expect(refusal({ teams, defaultTeam: 'Marketing' })).toMatchObject({ field: 'defaultTeam', message: expect.stringContaining('not one of the teams') });
  });
});

describe('names are unique within teams, role groups and legacy groups', () => {
  it('the same name twice, in any case, is refused', () => {
    expect(refusal({ teams: ['Editors', 'editors'], defaultTeam: 'Editors' })).toMatchObject({ field: 'teams', message: expect.stringContaining('twice') });
  });

  it('two names that would get the same id are refused', () => {
    expect(refusal({ roleGroups: ['User Managers', 'user-managers'] })).toMatchObject({
      field: 'roleGroups',
      message: expect.stringContaining('"user-managers"'),
    });
  });

  it('a team and a group may share a name', () => {
    const { directory } = parseNewDomain(input({ groups: ['Editors'] }));
    expect(directory.groups).toEqual([{ id: 'editors', name: 'Editors' }]);
  });
});

describe('role groups and their permissions', () => {
  it('a role group without "=" grants nothing', () => {
    expect(parseNewDomain(input({ roleGroups: ['Viewers'] })).directory.roleGroups).toEqual([{ id: 'viewers', name: 'Viewers', permissions: [] }]);
  });

  it('"Name=perm" grants the permission; spaces and repeats are ignored', () => {
    const { directory } = parseNewDomain(input({ roleGroups: ['User Managers = users:create, users:create', 'Viewers='] }));
    expect(directory.roleGroups).toEqual([
      { id: 'user-managers', name: 'User Managers', permissions: ['users:create'] },
      { id: 'viewers', name: 'Viewers', permissions: [] },
    ]);
  });

  it('an unknown permission is refused, naming the known ones', () => {
    expect(refusal({ roleGroups: ['Managers=users:craete'] })).toMatchObject({
      field: 'roleGroups',
      message: expect.stringMatching(/users:craete.*known: users:create/),
    });
  });
});

describe('the first admin', () => {
  it('has a valid email, kept lower-case, and names', () => {
    expect(parseNewDomain(input({ adminEmail: ' Ada@ACME.test ' })).admin).toEqual({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
    expect(refusal({ adminEmail: 'not-an-email' })).toMatchObject({ field: 'adminEmail' });
    expect(refusal({ adminFirstName: ' ' })).toMatchObject({ field: 'adminFirstName' });
    expect(refusal({ adminLastName: 'L'.repeat(101) })).toMatchObject({ field: 'adminLastName' });
  });

  it('is a POWER user, an admin, in the default team, with the identity provider\'s sub as userId', () => {
    const { directory, admin } = parseNewDomain(input({ teams: ['Editors', 'Crew'], defaultTeam: 'Crew', roleGroups: ['Viewers'] }));
    const now = new Date('2026-03-01T10:00:00.000Z');
    const { user, membership } = firstAdminRecords(directory, admin, 'sub-123', now);
    expect(user).toEqual({ userId: 'sub-123', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', createdAt: now.toISOString() });
    expect(membership).toEqual({
      userId: 'sub-123',
      domainId: 'acme-studio',
      email: 'ada@acme.test',
      firstName: 'Ada',
      lastName: 'Lovelace',
      userType: 'POWER',
      isAdmin: true,
      teamIds: ['crew'],
      roleGroupIds: [],
      groupIds: [],
      createdAt: now.toISOString(),
    });
  });
});
