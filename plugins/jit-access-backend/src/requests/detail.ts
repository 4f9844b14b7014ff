import type { RequestDetail } from '@jit-access/plugin-jit-access-common';
import { stepsAfter, type LoadedRequest, type Transition, type TransitionResult } from '../database';
import type { Caller } from '../service/types';
import type { ActorContext } from './access';
import type { RequestsContext } from './context';
import { peopleNamedIn, withNamesFrom } from './people';

/**
 * The detail of a request the caller may see, from the request, steps and
 * events in hand (loaded, or as a write left them). After a decision,
 * `given` is the context the decision established (ownership and
 * permissions do not change with the request's state).
 */
export async function requestDetail(
  { access, people }: RequestsContext,
  caller: Caller,
  { request, steps, events }: LoadedRequest,
  given?: ActorContext,
): Promise<RequestDetail> {
  const [context, names] = await Promise.all([
    given ?? access.actorContext(caller, request),
    people.namesOf([
      ...peopleNamedIn(request),
      ...steps.map(s => s.decidedBy).filter((x): x is string => !!x),
      ...events.map(e => e.actor),
    ]),
  ]);
  return {
    ...withNamesFrom(request, names),
    steps: steps.map(s => ({ ...s, decidedByName: s.decidedBy ? names.get(s.decidedBy) : undefined })),
    approvers: await people.approversOf(request, steps, context.owners),
    actions: access.actionsFor(caller, request, steps, context),
    events: events.map(e => {
      const actorName = names.get(e.actor);
      return actorName ? { ...e, actorName } : e;
    }),
  };
}

/** What a request is after `result`, a transition of `before` with `t`'s step changes. */
export function afterTransition(before: LoadedRequest, t: Transition, result: TransitionResult): LoadedRequest {
  return {
    request: result.request,
    steps: stepsAfter(before.steps, t),
    events: [...before.events, result.event],
  };
}
