import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  ActiveFreeze,
  Digest,
  Ladder,
} from '@environment-ladder/plugin-environment-ladder-common';

/**
 * The pure half of the scaffolder field `EnvironmentLadderTargetPicker`: which
 * rungs it offers for the chosen service, and which choices it refuses. The
 * backend decided every verdict (its `promotions.targets` of the ladder
 * answer, the same the Environments tab renders); nothing here re-checks a
 * rule, it only reads those verdicts for the form.
 */

/** The field's name in a template's `ui:field`. */
export const TARGET_PICKER_FIELD_NAME = 'EnvironmentLadderTargetPicker';

/**
 * The `ui:options` of the scaffolder field `EnvironmentLadderTargetPicker`:
 * where in the form it finds the service and the digest.
 *
 * @public
 */
export type TargetPickerUiOptions = {
  /** The form property holding the service's entity ref; default `entity`. */
  entityField?: string;
  /** The form property holding an optional digest to promote; default `digest`. */
  digestField?: string;
};

/** One rung the form shows, with the backend's verdict for it. */
export interface TargetChoice {
  /** The rung's name: the value the field stores. */
  value: string;
  /** The rung's title (its name when it has none). */
  label: string;
  /** The rung the digest comes from. */
  sourceEnvironment: string;
  sourceLabel: string;
  /** The digest that would move (the one the source runs); null when the source runs none or several. */
  digest: Digest | null;
  allowed: boolean;
  /** The refused rule (`permission` for the permission policy); null when allowed. */
  rule: string | null;
  /** Why it is refused, in the backend's words; null when allowed. */
  reason: string | null;
  freeze: ActiveFreeze | null;
}

/** What the field shows for one service. */
export type TargetChoices =
  | { kind: 'choices'; choices: TargetChoice[] }
  /** The service cannot be promoted through the form; `message` says why and what to do. */
  | { kind: 'none'; message: string };

const DEFAULT_ENTITY_FIELD = 'entity';
const DEFAULT_DIGEST_FIELD = 'digest';
/** The digest form the promote action accepts (`sha256:` and 64 lowercase hex). */
const CANONICAL_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The service the form names, as a full entity ref (`component:default/x`), or
 * undefined while none is chosen or the value is not an entity ref. The entity
 * picker stores refs such as `component:default/checkout`; a bare name is a
 * Component in the default namespace, as the picker's `defaultKind` says.
 */
export function entityRefOfForm(
  formData: Record<string, unknown> | undefined,
  options: TargetPickerUiOptions = {},
): string | undefined {
  const value = formData?.[options.entityField ?? DEFAULT_ENTITY_FIELD];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The digest the form names in its digest field, when it is one the action
 * would accept; an empty or malformed one leaves the choice to the backend
 * (the form's own `pattern` reports a malformed one).
 */
export function digestOfForm(
  formData: Record<string, unknown> | undefined,
  options: TargetPickerUiOptions = {},
): Digest | undefined {
  const value = formData?.[options.digestField ?? DEFAULT_DIGEST_FIELD];
  return typeof value === 'string' && CANONICAL_DIGEST.test(value)
    ? (value as Digest)
    : undefined;
}

/**
 * The rungs the form offers for a service: every promotion target of its
 * ladder, lowest first, allowed or not (refused ones are shown disabled with
 * their reason, so that nobody wonders where prod went).
 */
export function targetChoices(ladder: Ladder): TargetChoices {
  const name = parseEntityRef(ladder.entityRef).name;
  if (ladder.notSetUp) {
    return {
      kind: 'none',
      message: `${name} has no environment ladder yet: ${ladder.notSetUp}`,
    };
  }
  const targets = ladder.promotions?.targets;
  if (!targets) {
    return {
      kind: 'none',
      message: `The Environment Ladder backend did not say where ${name} can be promoted; it may be older than this form.`,
    };
  }
  if (targets.length === 0) {
    return {
      kind: 'none',
      message: `${name} has no rung to promote into: its ladder needs two observed rungs, one above the other.`,
    };
  }
  const label = (rungName: string) => {
    const rung = ladder.rungs.find(candidate => candidate.name === rungName);
    return rung?.title || rungName;
  };
  return {
    kind: 'choices',
    choices: targets.map(target => ({
      value: target.targetEnvironment,
      label: label(target.targetEnvironment),
      sourceEnvironment: target.sourceEnvironment,
      sourceLabel: label(target.sourceEnvironment),
      digest: target.digest,
      allowed: target.allowed,
      rule: target.rule,
      reason: target.allowed ? null : target.reason ?? 'Not allowed.',
      freeze: target.freeze,
    })),
  };
}

/**
 * Why the form may not go on with `value` as the target, or undefined when it
 * may. An empty value is left to the schema's `required`.
 */
export function targetProblem(
  value: string | undefined,
  choices: TargetChoices,
): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (choices.kind === 'none') return choices.message;
  const choice = choices.choices.find(candidate => candidate.value === value);
  if (!choice) {
    const known = choices.choices.map(candidate => candidate.value);
    return `${quoteValue(
      value,
    )} is not a rung this service can be promoted into; choose one of: ${known.join(
      ', ',
    )}.`;
  }
  if (!choice.allowed) {
    return `${choice.label} cannot be chosen now: ${choice.reason}`;
  }
  return undefined;
}

/** A value the user typed (or a link filled in), safe to quote in a message: JSON-quoted, at most 80 characters. */
export function quoteValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
