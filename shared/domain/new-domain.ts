/**
 * A new domain as an operator describes it (names, not ids), checked and turned into the
 * directory and first admin the store writes. Pure: no AWS, no I/O.
 */
import * as z from 'zod/mini';
import { email as emailRule, entityId } from './values.ts';
import { INVITE_PERMISSION, type Directory, type Membership, type RoleGroup, type User } from './types.ts';

/** What the operator gives, one field per command-line flag. */
export interface NewDomainInput {
  name: string;
  /** Default: the slug of `name`. */
  id?: string;
  teams: string[];
  /** A team's name or id; may be left out when there is only one team. */
  defaultTeam?: string;
  /** `Name` or `Name=perm1,perm2`. */
  roleGroups: string[];
  /** Legacy groups. */
  groups: string[];
  adminEmail: string;
  adminFirstName: string;
  adminLastName: string;
}

export type NewDomainField = keyof NewDomainInput;

/** The person who becomes the domain's first admin; their userId comes from the identity provider. */
export interface FirstAdmin {
  email: string;
  firstName: string;
  lastName: string;
}

export interface NewDomain {
  directory: Directory;
  admin: FirstAdmin;
}

/** Permissions a role group can grant today; anything else is a typo the operator should hear about. */
export const ROLE_GROUP_PERMISSIONS: readonly string[] = [INVITE_PERMISSION];

export const NAME_MAX_LENGTH = 100;
const ID_MAX_LENGTH = 64;

export class InvalidNewDomain extends Error {
  constructor(
    readonly field: NewDomainField,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidNewDomain';
  }
}

/** Raised by the store when the domain id is taken; nothing has been written. */
export class DomainAlreadyExists extends Error {
  constructor(
    readonly domainId: string,
    readonly existingName?: string,
  ) {
    super(`A domain with id "${domainId}" already exists${existingName ? ` ("${existingName}")` : ''}. Nothing was written.`);
    this.name = 'DomainAlreadyExists';
  }
}

/** "User Managers" → `user-managers`: lower-case ASCII letters and digits joined by single dashes, at most 64 characters. */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ID_MAX_LENGTH)
    .replace(/-+$/, '');
}

export function parseNewDomain(input: NewDomainInput): NewDomain {
  const name = nameOf('name', input.name, 'the domain name');
  const domainId = input.id === undefined ? derivedId('name', name) : idOf('id', input.id);

  if (input.teams.length === 0) throw new InvalidNewDomain('teams', 'give at least one team');
  const teams = unique('teams', input.teams.map((raw) => entry('teams', raw)));
  const roleGroups: RoleGroup[] = unique('roleGroups', input.roleGroups.map(roleGroupOf));
  const groups = unique('groups', input.groups.map((raw) => entry('groups', raw)));

  const defaultTeam = defaultTeamOf(input.defaultTeam, teams);

  return {
    directory: {
      domain: { domainId, name, defaultTeamId: defaultTeam.id, linksEnabled: true, linkGeneration: 0, adminCount: 1 },
      teams,
      roleGroups,
      groups,
    },
    admin: {
      email: emailOf(input.adminEmail),
      firstName: nameOf('adminFirstName', input.adminFirstName, 'the first name'),
      lastName: nameOf('adminLastName', input.adminLastName, 'the last name'),
    },
  };
}

/** The first admin's profile and membership: POWER, admin, in the default team. */
export function firstAdminRecords(directory: Directory, admin: FirstAdmin, userId: string, now: Date): { user: User; membership: Membership } {
  const createdAt = now.toISOString();
  return {
    user: { userId, ...admin, createdAt },
    membership: {
      userId,
      domainId: directory.domain.domainId,
      ...admin,
      userType: 'POWER',
      isAdmin: true,
      teamIds: [directory.domain.defaultTeamId],
      roleGroupIds: [],
      groupIds: [],
      createdAt,
    },
  };
}

function defaultTeamOf(given: string | undefined, teams: { id: string; name: string }[]) {
  if (given === undefined) {
    if (teams.length === 1) return teams[0]!;
    throw new InvalidNewDomain('defaultTeam', `name the default team, one of ${listOf(teams)}`);
  }
  const wanted = given.trim().toLowerCase();
  const team = teams.find((t) => t.name.toLowerCase() === wanted || t.id === wanted);
  if (!team) throw new InvalidNewDomain('defaultTeam', `"${given}" is not one of the teams (${listOf(teams)})`);
  return team;
}

function roleGroupOf(raw: string): RoleGroup {
  // Permissions never contain "=", names might: split at the last one.
  const at = raw.lastIndexOf('=');
  const { id, name } = entry('roleGroups', at === -1 ? raw : raw.slice(0, at));
  const permissions = at === -1 ? [] : [...new Set(raw.slice(at + 1).split(',').map((p) => p.trim()).filter((p) => p !== ''))];
  const unknown = permissions.find((p) => !ROLE_GROUP_PERMISSIONS.includes(p));
  if (unknown !== undefined) {
    throw new InvalidNewDomain('roleGroups', `"${name}": unknown permission "${unknown}" (known: ${ROLE_GROUP_PERMISSIONS.join(', ')})`);
  }
  return { id, name, permissions };
}

function entry(field: NewDomainField, raw: string): { id: string; name: string } {
  const name = nameOf(field, raw, 'a name');
  return { id: derivedId(field, name), name };
}

function unique<T extends { id: string; name: string }>(field: NewDomainField, list: T[]): T[] {
  const names = new Set<string>();
  const ids = new Map<string, string>();
  for (const { id, name } of list) {
    if (names.has(name.toLowerCase())) throw new InvalidNewDomain(field, `"${name}" is given twice`);
    const clash = ids.get(id);
    if (clash !== undefined) throw new InvalidNewDomain(field, `"${clash}" and "${name}" would both get the id "${id}"; rename one`);
    names.add(name.toLowerCase());
    ids.set(id, name);
  }
  return list;
}

function nameOf(field: NewDomainField, raw: string, what: string): string {
  const name = raw.trim();
  if (name === '') throw new InvalidNewDomain(field, `${what} is required`);
  if (name.length > NAME_MAX_LENGTH) throw new InvalidNewDomain(field, `"${name.slice(0, 20)}…" is longer than ${NAME_MAX_LENGTH} characters`);
  if (/[\p{Cc}<>]/u.test(name)) throw new InvalidNewDomain(field, `"${name}" must not contain control characters or < >`);
  return name;
}

function derivedId(field: NewDomainField, name: string): string {
  const id = slugOf(name);
  if (id === '') {
    const hint = field === 'name' ? '; give the id explicitly' : '; use a name with letters or digits';
    throw new InvalidNewDomain(field, `"${name}" has no letters or digits to make an id from${hint}`);
  }
  return idOf(field, id);
}

function idOf(field: NewDomainField, id: string): string {
  const result = entityId.safeParse(id);
  if (!result.success) throw new InvalidNewDomain(field, `"${id}" ${firstMessage(result.error)}`);
  return result.data;
}

function emailOf(raw: string): string {
  const result = emailRule.safeParse(raw);
  if (!result.success) throw new InvalidNewDomain('adminEmail', `"${raw}" ${firstMessage(result.error)}`);
  return result.data;
}

function firstMessage(error: z.core.$ZodError): string {
  return error.issues[0]?.message ?? 'is not valid';
}

const listOf = (entries: { name: string }[]) => entries.map((e) => e.name).join(', ');
