import { createActor, type AnyActorScope, type ExecutableActionsFrom } from 'xstate';
import type { StepDownEvent } from '../events/index.js';
import type { StepDownMachine } from './machine.js';
import type { CaseSnapshot } from './snapshot.js';

type Actions = ExecutableActionsFrom<StepDownMachine>[];

/**
 * The actor each machine's transitions name as `self`: built once per machine, where xstate's own
 * `transition` builds one (and runs the context factory into its input error) on every call. The
 * machine spawns, invokes and schedules nothing, so nothing is ever registered with it or sent to it.
 */
const selves = new WeakMap<StepDownMachine, ReturnType<typeof createActor<StepDownMachine>>>();

const nothing = (): void => undefined;

/**
 * xstate's `transition(machine, snapshot, event)`, the same next snapshot and the same actions to
 * execute, without the throwaway actor xstate builds per call (`test/machine/hot-path.test.ts`
 * checks the two agree over every event of the built-in scenarios).
 *
 * @example
 * ```ts
 * const [next, actions] = inertTransition(machine, snapshot, event);
 * ```
 */
export function inertTransition(machine: StepDownMachine, snapshot: CaseSnapshot, event: StepDownEvent): [CaseSnapshot, Actions] {
  let self = selves.get(machine);
  // Without input, as xstate makes its own: the context factory's refusal leaves it in error, unused.
  if (!self) selves.set(machine, (self = createActor(machine, {} as never)));
  const actions: Actions = [];
  // What xstate's `createInertActorScope` gives, but for the actor it makes each time.
  const scope = {
    self,
    defer: nothing,
    id: '',
    logger: nothing,
    sessionId: '',
    stopChild: nothing,
    system: self.system,
    emit: nothing,
    actionExecutor: (action: Actions[number]) => {
      actions.push(action);
    },
  } as unknown as AnyActorScope;
  return [machine.transition(snapshot, event, scope as never), actions];
}
