import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import { Fragment } from 'react';
import Typography from '@material-ui/core/Typography';
import {
  type DigestSignature,
  LadderRung,
  type SignatureRequirement,
} from '@environment-ladder/plugin-environment-ladder-common';
import { tinyDigest } from '../DigestChip';

const useStyles = makeStyles({
  // A word too long for a narrow card (a workflow's path) ends in an ellipsis
  // rather than being clipped by the card mid-letter; the tooltip has it whole.
  longWord: {
    display: 'inline-block',
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    verticalAlign: 'bottom',
  },
});

/** Words longer than this get their own ellipsis (a short digest is 7, a key name ~10). */
const LONG_WORD = 24;

/** The verdict's words, a very long one shortened with an ellipsis where it does not fit. */
function Summary(props: { text: string }) {
  const classes = useStyles();
  return (
    <>
      {props.text.split(' ').map((word, index) => (
        <Fragment key={index}>
          {index > 0 && ' '}
          {word.length > LONG_WORD ? (
            <span className={classes.longWord}>{word}</span>
          ) : (
            word
          )}
        </Fragment>
      ))}
    </>
  );
}

/** The details the server gave, as the tooltip shows them. */
function SignatureDetails(props: { verdict: DigestSignature }) {
  const { verdict } = props;
  return (
    <Box>
      <Typography variant="body2" component="div">
        <strong>{verdict.summary}</strong>
      </Typography>
      <Typography variant="caption" component="div">
        {verdict.repository}@{verdict.digest}
      </Typography>
      {verdict.details.map(detail => (
        <Typography key={detail} variant="caption" component="div">
          {detail}
        </Typography>
      ))}
      <Typography variant="caption" component="div">
        Checked {verdict.checkedAt}
      </Typography>
    </Box>
  );
}

/**
 * One digest's signature verdict, as the server decided it: "signed by ci-2026",
 * "unsigned", "signature does not verify", "could not check: registry unavailable";
 * the details (what was checked, why) on hover. A problem is an error on a rung that
 * requires signatures, a warning elsewhere.
 */
export function SignatureBadge(props: {
  verdict: DigestSignature;
  requirement: SignatureRequirement;
  /** Shown before the verdict, e.g. the short digest or `PR #112`. */
  label?: string;
  /** Further digests with the very same verdict, said on the same line. */
  alike?: DigestSignature[];
}) {
  const { verdict, requirement, label, alike = [] } = props;
  let Icon = StatusPending;
  if (verdict.status === 'signed') Icon = StatusOK;
  else if (verdict.status !== 'unavailable') {
    Icon = requirement === 'required' ? StatusError : StatusWarning;
  }
  return (
    <Tooltip
      title={
        <>
          {[verdict, ...alike].map(each => (
            <SignatureDetails key={each.digest} verdict={each} />
          ))}
        </>
      }
    >
      <Box
        display="flex"
        alignItems="center"
        data-testid={`signature-${verdict.digest}`}
        data-digests={[verdict, ...alike].map(each => each.digest).join(' ')}
        data-status={verdict.status}
        aria-label={`${label ? `${label}: ` : ''}${verdict.summary}`}
      >
        <Icon />
        {/* minWidth 0: a flex item may then be narrower than its longest word, which its ellipsis shortens. */}
        <Typography variant="body2" component="span" style={{ minWidth: 0 }}>
          {label && (
            <Typography variant="body2" component="code">
              {label}{' '}
            </Typography>
          )}
          <Summary text={verdict.summary} />
        </Typography>
      </Box>
    </Tooltip>
  );
}

/**
 * The verdicts in groups of the same status and words, in their order: a canary's
 * stable and canary digests that "could not check" alike take one line of a narrow
 * card, not two. A verdict labelled by pull request (a preview) stays on its own.
 */
function sameVerdicts(
  verdicts: DigestSignature[],
  labelOf: (digest: string) => string | undefined,
): DigestSignature[][] {
  const groups: DigestSignature[][] = [];
  for (const verdict of verdicts) {
    const group = groups.find(
      ([first]) =>
        first.status === verdict.status &&
        first.summary === verdict.summary &&
        !labelOf(first.digest)?.startsWith('PR #') &&
        !labelOf(verdict.digest)?.startsWith('PR #'),
    );
    if (group) group.push(verdict);
    else groups.push([verdict]);
  }
  return groups;
}

/**
 * Every digest's signature verdict of a rung (its own and its previews'); nothing when the server checks no signatures.
 *
 * @public
 */
export function RungSignatures(props: {
  rung: Pick<LadderRung, 'name' | 'signatures' | 'previews'>;
}) {
  const { signatures, previews } = props.rung;
  if (!signatures || signatures.digests.length === 0) return null;
  // The card shows the digest already: a label only tells several apart, in the
  // card's own short form (or by pull request on the preview rung).
  const several = signatures.digests.length > 1;
  const labelOf = (digest: string) => {
    const prs = (previews ?? [])
      .filter(p => p.digest === digest && p.prNumber !== null)
      .map(p => `PR #${p.prNumber}`);
    if (prs.length) return prs.join(', ');
    return several ? tinyDigest(digest) : undefined;
  };
  return (
    <Box data-testid={`signatures-${props.rung.name}`} mt={1} mb={1}>
      <Typography variant="caption" color="textSecondary">
        Signatures
        {signatures.requirement === 'off'
          ? ''
          : ` (${signatures.requirement} here)`}
      </Typography>
      {sameVerdicts(signatures.digests, labelOf).map(([verdict, ...alike]) => (
        <SignatureBadge
          key={verdict.digest}
          verdict={verdict}
          alike={alike}
          requirement={signatures.requirement}
          label={[verdict, ...alike]
            .map(each => labelOf(each.digest))
            .filter(Boolean)
            .join(', ')}
        />
      ))}
    </Box>
  );
}
