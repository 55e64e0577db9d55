import { parseEntityRef } from '@backstage/catalog-model';
import {
  CopyTextButton,
  Link,
  MarkdownContent,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  describeFreezeEnd,
  type ActiveFreeze,
  type LadderRung,
  type PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { useState } from 'react';
import { ladderApiRef } from '../../api';
import { PromotionStateChip } from '../PromotionHistory/PromotionStateChip';
import { describeRequestError } from './describeRequestError';
import { useScaffolderTemplateLink } from './scaffolderTemplateLink';

const useStyles = makeStyles(theme => ({
  code: {
    margin: 0,
    padding: theme.spacing(1),
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    whiteSpace: 'pre',
  },
  wrapped: { whiteSpace: 'pre-wrap', wordBreak: 'break-word' },
  // The +/- and @@ prefixes say what a line is; weight, not a low-contrast colour, stresses it (AA).
  added: { color: theme.palette.text.primary, fontWeight: 700 },
  removed: { color: theme.palette.text.primary, fontWeight: 700 },
  hunk: { color: theme.palette.text.secondary },
  banner: {
    padding: theme.spacing(1, 1.5),
    marginBottom: theme.spacing(2),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
    background: theme.palette.background.default,
  },
  markdown: { overflowWrap: 'break-word' },
}));

/** The verdict first: whether the rules pass, in words, with an icon (never colour alone). */
function Verdict(props: {
  passed: boolean;
  title: string;
  children?: React.ReactNode;
}) {
  const classes = useStyles();

  return (
    <Box
      className={classes.banner}
      role={props.passed ? 'status' : 'alert'}
      data-testid="promotion-verdict"
      data-passed={props.passed ? 'true' : 'false'}
    >
      <Box display="flex" alignItems="center">
        {props.passed ? <StatusOK /> : <StatusError />}
        <Typography variant="subtitle2" component="div">
          {props.title}
        </Typography>
      </Box>
      {props.children && (
        <Typography variant="body2" component="div">
          {props.children}
        </Typography>
      )}
    </Box>
  );
}

/** A key per opened dialog: a repeated click or a retry after a network error asks for the same promotion. */
function newIdempotencyKey(): string {
  const random =
    typeof globalThis.crypto?.randomUUID === 'function'
      ? globalThis.crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `environment-ladder-ui:${random}`;
}

function Diff(props: { diff: string }) {
  const classes = useStyles();
  const lines = props.diff.replace(/\n$/, '').split('\n');
  return (
    <pre
      className={classes.code}
      data-testid="promotion-diff"
      aria-label="Diff"
    >
      {lines.map((line, index) => {
        let className: string | undefined;
        if (line.startsWith('@@')) className = classes.hunk;
        else if (line.startsWith('+') && !line.startsWith('+++'))
          className = classes.added;
        else if (line.startsWith('-') && !line.startsWith('---'))
          className = classes.removed;
        return (
          // The diff is a static text: its line positions are its identity.
          // eslint-disable-next-line react/no-array-index-key
          <span key={index} className={className}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

function Warnings(props: { warnings?: string[] }) {
  if (!props.warnings?.length) {
    return null;
  }
  return (
    <ul aria-label="Warnings">
      {props.warnings.map(warning => (
        <li key={warning}>
          <Typography variant="body2">{warning}</Typography>
        </li>
      ))}
    </ul>
  );
}

function DryRunResult(props: { result: PromotionResponse }) {
  const classes = useStyles();
  const { dryRun } = props.result;
  if (!dryRun) {
    return null;
  }
  return (
    <Box component="section" aria-label="Dry run" mt={2}>
      <Typography variant="subtitle2" gutterBottom>
        The change
      </Typography>
      <Diff diff={dryRun.diff} />
      <Warnings warnings={props.result.warnings} />
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Pull request
      </Typography>
      <Typography variant="body2" data-testid="promotion-pr-title">
        {dryRun.pullRequest.title}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        Branch <code>{dryRun.pullRequest.branch}</code>
      </Typography>
      <Accordion variant="outlined" style={{ marginTop: 8 }}>
        <AccordionSummary
          expandIcon={<ExpandMoreIcon />}
          aria-controls="promotion-pr-body"
          id="promotion-pr-body-header"
        >
          <Typography variant="body2">Pull request text</Typography>
        </AccordionSummary>
        <AccordionDetails>
          <div
            id="promotion-pr-body"
            data-testid="promotion-pr-body"
            className={classes.markdown}
          >
            <MarkdownContent content={dryRun.pullRequest.body} dialect="gfm" />
          </div>
        </AccordionDetails>
      </Accordion>
    </Box>
  );
}

/** The rules the request overrode (a freeze) or took the emergency path of, in the backend's words. */
function OverrideVerdicts(props: {
  result: PromotionResponse;
  overrideFreeze: boolean;
  emergency: boolean;
}) {
  const shown = props.result.promotion.verdicts.filter(
    verdict =>
      verdict.passed &&
      ((props.overrideFreeze && verdict.rule === 'target-is-not-frozen') ||
        (props.emergency && verdict.rule === 'rollback-gate')),
  );
  if (shown.length === 0) return null;
  return (
    <ul aria-label="Overrides" data-testid="promotion-overrides">
      {shown.map(verdict => (
        <li key={verdict.rule}>{verdict.message}</li>
      ))}
    </ul>
  );
}

function RequestResult(props: {
  result: PromotionResponse;
  overrideFreeze: boolean;
  emergency: boolean;
}) {
  const { promotion, created, warnings } = props.result;
  const what = promotion.kind === 'rollback' ? 'Rollback' : 'Promotion';
  return (
    <Box component="section" aria-label="Promotion requested" mt={2}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="subtitle2">
          {created
            ? `${what} requested`
            : `This ${what.toLocaleLowerCase(
                'en-US',
              )} had already been requested`}
        </Typography>
        <PromotionStateChip state={promotion.state} />
      </Box>
      {promotion.pullRequest ? (
        <Typography variant="body2">
          Pull request{' '}
          <Link to={promotion.pullRequest.url} data-testid="promotion-pr-link">
            #{promotion.pullRequest.number}
          </Link>{' '}
          is open on branch <code>{promotion.pullRequest.branch}</code>.
        </Typography>
      ) : (
        <Typography variant="body2">
          {promotion.error ??
            "The pull request opens once the rung's gate is met (for example an approval)."}
        </Typography>
      )}
      <OverrideVerdicts {...props} />
      <Warnings warnings={warnings} />
    </Box>
  );
}

/** The promote dialog: the digest, a reason, a dry run that shows the exact change, and the real request. */
export function PromoteDialog(props: {
  open: boolean;
  onClose: () => void;
  entityRef: string;
  source: LadderRung;
  target: LadderRung;
  /** The digest the backend would promote (the one the source runs); null lets the backend choose. */
  digest?: string | null;
  onRequested?: (result: PromotionResponse) => void;
  /**
   * `rollback`: the target goes back to `digest`, a digest it ran before (pass the
   * target as `source` too). The request says so and the rollback rules apply.
   */
  kind?: 'promotion' | 'rollback';
  /**
   * The freeze in force on the target when the backend says the viewer may override
   * it (the one refusal); the dialog then asks for the override before any request.
   */
  freezeToOverride?: ActiveFreeze | null;
  /** A rollback only: the backend says the viewer may skip the rung's approval. */
  emergencyAvailable?: boolean;
}) {
  const { open, onClose, entityRef, source, target, onRequested } = props;
  const rollback = props.kind === 'rollback';
  const what = rollback ? 'rollback' : 'promotion';
  const classes = useStyles();
  const scaffolderLink = useScaffolderTemplateLink();
  const ladderApi = useApi(ladderApiRef);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'preview' | 'request' | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [preview, setPreview] = useState<PromotionResponse | undefined>();
  const [requested, setRequested] = useState<PromotionResponse | undefined>();
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [overrideFreeze, setOverrideFreeze] = useState(false);
  const [emergency, setEmergency] = useState(false);
  const freeze = props.freezeToOverride ?? null;
  const emergencyAvailable = rollback && props.emergencyAvailable === true;
  const digest = props.digest ?? source.digest ?? undefined;
  const { name } = parseEntityRef(entityRef);

  const reset = () => {
    setReason('');
    setError(undefined);
    setPreview(undefined);
    setRequested(undefined);
    setIdempotencyKey(newIdempotencyKey());
    setOverrideFreeze(false);
    setEmergency(false);
  };
  // A dry run shows one request; another choice asks for another one.
  const choose = (set: (value: boolean) => void) => (value: boolean) => {
    set(value);
    setPreview(undefined);
  };
  const overriding = freeze !== null && overrideFreeze;
  const skippingApproval = emergencyAvailable && emergency;

  const send = async (dryRun: boolean) => {
    setBusy(dryRun ? 'preview' : 'request');
    setError(undefined);
    try {
      const result = await ladderApi.requestPromotion({
        entityRef,
        targetEnvironment: target.name,
        ...(digest && { digest }),
        ...(rollback && { kind: 'rollback' as const }),
        reason: reason.trim(),
        ...(overriding && { overrideFreeze: true }),
        ...(skippingApproval && { emergency: true }),
        ...(dryRun ? { dryRun: true } : { idempotencyKey }),
      });
      if (dryRun) {
        setPreview(result);
      } else {
        setRequested(result);
        onRequested?.(result);
      }
    } catch (e) {
      setError(describeRequestError(e));
    } finally {
      setBusy(undefined);
    }
  };

  // Without the override checked the backend would refuse the freeze: nothing to ask.
  const incomplete =
    reason.trim() === '' || (freeze !== null && !overrideFreeze);
  const done = requested !== undefined;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      TransitionProps={{ onExited: reset }}
      maxWidth="md"
      fullWidth
      scroll="paper"
      aria-labelledby={`promote-${source.name}-title`}
    >
      <DialogTitle id={`promote-${source.name}-title`}>
        {rollback
          ? `Roll back ${name} in ${target.title}`
          : `Promote ${name} to ${target.title}`}
      </DialogTitle>
      <DialogContent dividers>
        {error && (
          <Verdict passed={false} title={`The ${what} was refused`}>
            {error}
          </Verdict>
        )}
        {!error && preview && !requested && (
          <Verdict
            passed
            title={`Dry run passed: the ladder's rules allow this ${what}`}
          >
            {preview.dryRun && (
              <>
                The pull request would change{' '}
                <code>{preview.dryRun.filePath}</code> in{' '}
                <code>{preview.dryRun.repository}</code>. Nothing was opened or
                recorded.
              </>
            )}
            <OverrideVerdicts
              result={preview}
              overrideFreeze={overriding}
              emergency={skippingApproval}
            />
          </Verdict>
        )}
        <Typography variant="body2" gutterBottom>
          {rollback ? (
            <>
              {target.title} goes back to the previous digest that ran verified
              there, through a GitOps pull request that changes only the digest.
              Its gate still applies.
            </>
          ) : (
            <>
              The digest that runs in {source.title} moves unchanged into{' '}
              {target.title}, through a GitOps pull request that changes only
              the digest.
            </>
          )}
        </Typography>
        <Box display="flex" alignItems="center" my={1}>
          <Typography
            variant="body2"
            component="span"
            style={{ marginRight: 8 }}
          >
            Digest
          </Typography>
          {digest ? (
            <>
              <Typography
                variant="body2"
                component="code"
                data-testid="promotion-digest"
                style={{ overflowWrap: 'anywhere' }}
              >
                {digest}
              </Typography>
              <CopyTextButton text={digest} tooltipText="Digest copied" />
            </>
          ) : (
            <Typography variant="body2" color="textSecondary">
              the one running healthy in {source.title} (chosen by the backend)
            </Typography>
          )}
        </Box>
        {freeze && (
          <Box
            className={classes.banner}
            role="note"
            aria-label="Freeze"
            data-testid="promotion-freeze"
          >
            <Typography variant="subtitle2" component="div">
              {target.title} is frozen until {describeFreezeEnd(freeze.until)}
            </Typography>
            <Typography variant="body2">{freeze.reason}</Typography>
            <FormControlLabel
              control={
                <Checkbox
                  checked={overrideFreeze}
                  onChange={event =>
                    choose(setOverrideFreeze)(event.target.checked)
                  }
                  disabled={done}
                  required
                  color="primary"
                />
              }
              label={`Override the freeze (${freeze.reason})`}
            />
            <FormHelperText>
              Required: you may override it, and the pull request says you did.
            </FormHelperText>
          </Box>
        )}
        {emergencyAvailable && (
          <Box mb={2}>
            <FormControlLabel
              control={
                <Checkbox
                  checked={emergency}
                  onChange={event => choose(setEmergency)(event.target.checked)}
                  disabled={done}
                  color="primary"
                />
              }
              label="Emergency: skip the approval"
            />
            <FormHelperText>
              The pull request opens at once, without {target.title}'s manual
              approval; it is still reviewed.
            </FormHelperText>
          </Box>
        )}
        <TextField
          id={`promote-${source.name}-reason`}
          label="Reason"
          helperText="Why, in your words. It goes into the pull request."
          value={reason}
          onChange={event => setReason(event.target.value)}
          required
          fullWidth
          multiline
          minRows={2}
          variant="outlined"
          disabled={done}
          inputProps={{ 'data-testid': 'promotion-reason' }}
        />
        {requested ? (
          <RequestResult
            result={requested}
            overrideFreeze={overriding}
            emergency={skippingApproval}
          />
        ) : (
          preview && <DryRunResult result={preview} />
        )}
      </DialogContent>
      <DialogActions>
        <Box flexGrow={1} pl={2}>
          {scaffolderLink && !rollback && (
            <Link
              to={scaffolderLink({
                entityRef,
                targetEnvironment: target.name,
                digest,
              })}
            >
              Open in the scaffolder
            </Link>
          )}
        </Box>
        <Button onClick={onClose}>{done ? 'Close' : 'Cancel'}</Button>
        <Button
          onClick={() => send(true)}
          data-testid="promotion-dry-run"
          disabled={incomplete || busy !== undefined || done}
          startIcon={
            busy === 'preview' ? <CircularProgress size={16} /> : undefined
          }
        >
          Preview (dry run)
        </Button>
        <Button
          onClick={() => send(false)}
          color="primary"
          variant="contained"
          disabled={incomplete || busy !== undefined || done}
          startIcon={
            busy === 'request' ? <CircularProgress size={16} /> : undefined
          }
        >
          Open pull request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
