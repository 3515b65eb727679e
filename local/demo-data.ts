/** The demo data of the contract, created on the local stack's first start. */
import type { Directory, Membership, User } from '#shared/domain/types.ts';
import { INVITE_PERMISSION } from '#shared/domain/types.ts';

const at = '2026-01-01T00:00:00.000Z';

export const DEMO = {
  demoDomainId: 'demo-media-co',
  otherDomainId: 'other-studio',
  users: {
    owner: 'u-demo-owner',
    manager: 'u-demo-manager',
    viewer: 'u-demo-viewer',
    otherOwner: 'u-other-owner',
  },
} as const;

export const DEMO_DIRECTORIES: Directory[] = [
  {
    domain: { domainId: DEMO.demoDomainId, name: 'Demo Media Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0, adminCount: 1 },
    teams: [
      { id: 'editors', name: 'Editors' },
      { id: 'producers', name: 'Producers' },
      { id: 'marketing', name: 'Marketing' },
    ],
    roleGroups: [
      { id: 'viewers', name: 'Viewers', permissions: [] },
      { id: 'contributors', name: 'Contributors', permissions: [] },
      { id: 'user-managers', name: 'User Managers', permissions: [INVITE_PERMISSION] },
    ],
    groups: [{ id: 'archive', name: 'Archive' }],
  },
  {
    domain: { domainId: DEMO.otherDomainId, name: 'Other Studio', defaultTeamId: 'crew', linksEnabled: true, linkGeneration: 0, adminCount: 1 },
    teams: [{ id: 'crew', name: 'Crew' }],
    roleGroups: [],
    groups: [],
  },
];

const person = (userId: string, email: string, firstName: string, lastName: string): User => ({
  userId,
  email,
  firstName,
  lastName,
  createdAt: at,
});

export const DEMO_USERS: User[] = [
  person(DEMO.users.owner, 'owner@demo.test', 'Olivia', 'Owner'),
  person(DEMO.users.manager, 'manager@demo.test', 'Mark', 'Manager'),
  person(DEMO.users.viewer, 'viewer@demo.test', 'Vera', 'Viewer'),
  person(DEMO.users.otherOwner, 'owner@other.test', 'Oscar', 'Other'),
];

const member = (user: User, domainId: string, m: Pick<Membership, 'userType' | 'isAdmin' | 'teamIds' | 'roleGroupIds'>): Membership => ({
  userId: user.userId,
  domainId,
  email: user.email,
  firstName: user.firstName,
  lastName: user.lastName,
  groupIds: [],
  createdAt: at,
  ...m,
});

const [owner, manager, viewer, otherOwner] = DEMO_USERS as [User, User, User, User];

export const DEMO_MEMBERSHIPS: Membership[] = [
  member(owner, DEMO.demoDomainId, { userType: 'POWER', isAdmin: true, teamIds: ['editors'], roleGroupIds: [] }),
  member(manager, DEMO.demoDomainId, { userType: 'STANDARD', isAdmin: false, teamIds: ['editors'], roleGroupIds: ['user-managers'] }),
  member(viewer, DEMO.demoDomainId, { userType: 'BROWSE', isAdmin: false, teamIds: ['editors'], roleGroupIds: ['viewers'] }),
  member(otherOwner, DEMO.otherDomainId, { userType: 'POWER', isAdmin: true, teamIds: ['crew'], roleGroupIds: [] }),
];
