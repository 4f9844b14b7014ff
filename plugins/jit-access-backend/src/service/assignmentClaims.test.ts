import type { StoredRequest } from '../database';
import { isStandingAccess, reasonToKeepAssignment } from './assignmentClaims';

const grant = (
  id: string,
  status: StoredRequest['status'],
  assignmentPreexisting?: boolean,
) => ({ id, status, assignmentPreexisting } as StoredRequest);

describe('isStandingAccess: an assignment found before our create', () => {
  it.each([
    { case: 'absent', present: false, siblings: [], standing: false },
    {
      case: 'present, no grant of ours holds it',
      present: true,
      siblings: [],
      standing: true,
    },
    {
      case: 'present, held by our active grant',
      present: true,
      siblings: [grant('A', 'active', false)],
      standing: false,
    },
    {
      case: 'present, held by our active grant that found standing access',
      present: true,
      siblings: [grant('A', 'active', true)],
      standing: true,
    },
    {
      case: 'present, our ending grant has not deleted it yet (it will not: we now need it)',
      present: true,
      siblings: [grant('A', 'ending', false)],
      standing: false,
    },
    {
      case: 'present, our provisioning grant may have created it before a crash',
      present: true,
      siblings: [grant('A', 'provisioning', false)],
      standing: false,
    },
    {
      case: 'present, a provisioning grant that has not decided yet created nothing',
      present: true,
      siblings: [grant('A', 'provisioning', undefined)],
      standing: true,
    },
  ])('$case → standing: $standing', ({ present, siblings, standing }) => {
    expect(isStandingAccess(present, siblings)).toBe(standing);
  });
});

describe('reasonToKeepAssignment: ending a grant', () => {
  it.each([
    { case: 'alone', self: false, siblings: [], keep: /^delete$/ },
    {
      case: 'standing access',
      self: true,
      siblings: [],
      keep: /standing access/,
    },
    {
      case: 'another active grant',
      self: false,
      siblings: [grant('B', 'active', false)],
      keep: /needed by B/,
    },
    {
      case: 'a provisioning grant that decided',
      self: false,
      siblings: [grant('B', 'provisioning', false)],
      keep: /needed by B/,
    },
    {
      case: 'a provisioning grant that has not decided',
      self: false,
      siblings: [grant('B', 'provisioning')],
      keep: /^delete$/,
    },
    {
      case: 'another ending grant (the first to end deletes)',
      self: false,
      siblings: [grant('B', 'ending', false)],
      keep: /^delete$/,
    },
  ])('$case → keep: $keep', ({ self, siblings, keep }) => {
    expect(
      reasonToKeepAssignment({ assignmentPreexisting: self }, siblings) ??
        'delete',
    ).toMatch(keep);
  });
});
