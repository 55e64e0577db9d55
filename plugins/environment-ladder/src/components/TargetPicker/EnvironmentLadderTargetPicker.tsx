import { parseEntityRef } from '@backstage/catalog-model';
import {
  CopyTextButton,
  Progress,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  describeFreezeEnd,
  type RuleVerdict,
} from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { ladderApiRef } from '../../api';
import { tinyDigest } from '../DigestChip';
import { visuallyHidden } from '../visuallyHidden';
import { describeRequestError } from '../PromoteButton/describeRequestError';
import {
  digestOfForm,
  entityRefOfForm,
  targetChoices,
  targetProblem,
  type TargetChoice,
  type TargetPickerUiOptions,
} from './targetPickerModel';

const useStyles = makeStyles(theme => ({
  choice: { alignItems: 'flex-start', marginTop: theme.spacing(0.5) },
  radio: { paddingTop: theme.spacing(0.5) },
  // A refused rung stays readable: its reason is the point of showing it.
  refusedReason: { color: theme.palette.text.secondary },
  panel: {
    marginTop: theme.spacing(1),
    padding: theme.spacing(1, 1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.background.default,
  },
  digest: { overflowWrap: 'anywhere', fontFamily: 'monospace' },
  verdicts: { margin: 0, paddingLeft: 0, listStyle: 'none' },
}));

/**
 * The reason a dry run sends. The backend requires one; a dry run records
 * nothing, and the form's own reason goes into the real request.
 */
const DRY_RUN_REASON =
  'Checked by the Promote a release form before it is submitted (dry run).';

/**
 * The scaffolder field `EnvironmentLadderTargetPicker`: for the service the
 * form's entity field names, the rungs it can be promoted into (as the
 * backend decides them for the signed-in user), refused ones disabled with
 * their reason; for the chosen rung, the digest that would move and the
 * rules' verdicts from a dry run. Stores the rung's name.
 */
export function EnvironmentLadderTargetPicker(
  props: FieldExtensionComponentProps<string, TargetPickerUiOptions>,
) {
  const {
    formData,
    onChange,
    schema,
    uiSchema,
    required,
    rawErrors,
    disabled,
    idSchema,
    formContext,
  } = props;
  const classes = useStyles();
  const ladderApi = useApi(ladderApiRef);
  const options: TargetPickerUiOptions = uiSchema?.['ui:options'] ?? {};
  // The scaffolder passes the whole form's data in formContext.formData.
  const form = (formContext as { formData?: Record<string, unknown> })
    ?.formData;
  const entityRef = entityRefOfForm(form, options);
  const formDigest = digestOfForm(form, options);
  const id = idSchema?.$id ?? 'environment-ladder-target';
  const title = schema.title ?? 'Promote to';

  const ladderState = useAsync(async () => {
    if (!entityRef) return undefined;
    return targetChoices(await ladderApi.getLadder(parseEntityRef(entityRef)));
  }, [ladderApi, entityRef]);
  const choices = ladderState.value;
  const problem = choices ? targetProblem(formData, choices) : undefined;
  // Once the validation said it, the scaffolder shows it under the field
  // (rawErrors): saying it twice helps nobody.
  const unsaidProblem =
    problem && !rawErrors?.includes(problem) ? problem : undefined;
  const chosen =
    choices?.kind === 'choices'
      ? choices.choices.find(choice => choice.value === formData)
      : undefined;

  let body: React.ReactNode;
  if (!entityRef) {
    body = (
      <FormHelperText data-testid="target-picker-no-service">
        Choose the service first: its ladder says where it can go.
      </FormHelperText>
    );
  } else if (ladderState.loading) {
    body = <Progress />;
  } else if (ladderState.error) {
    body = (
      <FormHelperText error role="alert" data-testid="target-picker-error">
        The ladder of {parseEntityRef(entityRef).name} could not be read:{' '}
        {describeRequestError(ladderState.error)}
      </FormHelperText>
    );
  } else if (choices?.kind === 'none') {
    body = (
      <FormHelperText error role="alert" data-testid="target-picker-none">
        {choices.message}
      </FormHelperText>
    );
  } else if (choices?.kind === 'choices') {
    body = (
      <RadioGroup
        aria-labelledby={`${id}-label`}
        name={id}
        value={formData ?? ''}
        onChange={event => onChange(event.target.value)}
      >
        {choices.choices.map(choice => (
          <FormControlLabel
            key={choice.value}
            value={choice.value}
            className={classes.choice}
            disabled={disabled || !choice.allowed}
            data-testid={`target-choice-${choice.value}`}
            data-allowed={choice.allowed ? 'true' : 'false'}
            control={
              <Radio
                className={classes.radio}
                inputProps={{
                  'aria-describedby': `${id}-${choice.value}-detail`,
                }}
              />
            }
            label={<ChoiceLabel id={id} choice={choice} />}
          />
        ))}
      </RadioGroup>
    );
  }

  return (
    <FormControl
      component="fieldset"
      required={required}
      error={Boolean(problem) || (rawErrors?.length ?? 0) > 0}
      fullWidth
      margin="normal"
      data-testid="environment-ladder-target-picker"
    >
      <FormLabel component="legend" id={`${id}-label`}>
        {title}
      </FormLabel>
      {schema.description && (
        <FormHelperText error={false}>{schema.description}</FormHelperText>
      )}
      {body}
      {unsaidProblem && (
        <FormHelperText role="alert" data-testid="target-picker-problem">
          {unsaidProblem}
        </FormHelperText>
      )}
      {entityRef && chosen?.allowed && (
        <WhatWouldMove
          entityRef={entityRef}
          choice={chosen}
          digest={formDigest}
        />
      )}
    </FormControl>
  );
}

/** The rung, where the digest comes from, and (when refused) why not. */
function ChoiceLabel(props: { id: string; choice: TargetChoice }) {
  const { id, choice } = props;
  const classes = useStyles();
  let detail: string;
  if (!choice.allowed) {
    detail = choice.reason ?? 'Not allowed.';
  } else if (choice.digest) {
    detail = `from ${choice.sourceLabel}, digest ${tinyDigest(choice.digest)}`;
  } else {
    detail = `from ${choice.sourceLabel}`;
  }
  return (
    <Box>
      <Typography variant="body1">{choice.label}</Typography>
      <Box display="flex" alignItems="baseline">
        {!choice.allowed && <StatusWarning />}
        <Typography
          variant="body2"
          id={`${id}-${choice.value}-detail`}
          className={choice.allowed ? undefined : classes.refusedReason}
          data-testid={`target-choice-${choice.value}-detail`}
        >
          {detail}
        </Typography>
      </Box>
    </Box>
  );
}

/**
 * For the chosen rung: the digest that would move (source → target) and the
 * rules' verdicts, from the backend's dry run: the same check the request
 * will meet, with nothing opened or recorded.
 */
function WhatWouldMove(props: {
  entityRef: string;
  choice: TargetChoice;
  /** A digest the form names; otherwise the one the source runs. */
  digest?: string;
}) {
  const { entityRef, choice } = props;
  const classes = useStyles();
  const ladderApi = useApi(ladderApiRef);
  const digest = props.digest ?? choice.digest ?? undefined;
  const dryRun = useAsync(
    () =>
      ladderApi.requestPromotion({
        entityRef,
        targetEnvironment: choice.value,
        ...(digest && { digest }),
        reason: DRY_RUN_REASON,
        dryRun: true,
      }),
    [ladderApi, entityRef, choice.value, digest],
  );

  return (
    <Box
      className={classes.panel}
      component="section"
      aria-label="What would move"
      data-testid="target-picker-what-would-move"
    >
      <Typography variant="subtitle2">
        {choice.sourceLabel} → {choice.label}
      </Typography>
      <Box display="flex" alignItems="center">
        <Typography variant="body2" component="span" style={{ marginRight: 8 }}>
          Digest
        </Typography>
        {digest ? (
          <>
            <Typography
              variant="body2"
              component="code"
              className={classes.digest}
              data-testid="target-picker-digest"
            >
              {digest}
            </Typography>
            <CopyTextButton text={digest} tooltipText="Digest copied" />
          </>
        ) : (
          <Typography variant="body2" color="textSecondary">
            none yet: {choice.sourceLabel} does not run exactly one digest
          </Typography>
        )}
      </Box>
      {choice.freeze && (
        <Typography variant="body2">
          Frozen until {describeFreezeEnd(choice.freeze.until)}:{' '}
          {choice.freeze.reason}
        </Typography>
      )}
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        The ladder's rules (dry run)
      </Typography>
      {dryRun.loading && <Progress />}
      {dryRun.error && (
        <Box display="flex" alignItems="baseline">
          <StatusError />
          <Typography
            variant="body2"
            color="error"
            role="alert"
            data-testid="target-picker-dry-run-refused"
          >
            The dry run was refused: {describeRequestError(dryRun.error)}
          </Typography>
        </Box>
      )}
      {dryRun.value && <Verdicts verdicts={dryRun.value.promotion.verdicts} />}
    </Box>
  );
}

function Verdicts(props: { verdicts: RuleVerdict[] }) {
  const classes = useStyles();
  return (
    <ul
      className={classes.verdicts}
      aria-label="Rule verdicts"
      data-testid="target-picker-verdicts"
    >
      {props.verdicts.map(verdict => (
        <li
          key={verdict.rule}
          data-testid={`target-picker-verdict-${verdict.rule}`}
          data-passed={verdict.passed ? 'true' : 'false'}
        >
          <Box display="flex" alignItems="baseline">
            {verdict.passed ? <StatusOK /> : <StatusError />}
            <Typography variant="body2">
              {/* The icon is hidden from screen readers; these words say it. */}
              <span style={visuallyHidden}>
                {verdict.passed ? 'Passed: ' : 'Failed: '}
              </span>
              <strong>{verdict.rule}</strong>: {verdict.message}
            </Typography>
          </Box>
        </li>
      ))}
    </ul>
  );
}
