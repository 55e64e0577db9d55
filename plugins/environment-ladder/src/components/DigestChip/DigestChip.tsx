import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { shortDigest } from '@environment-ladder/plugin-environment-ladder-common';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  // The copy button sized to a line of text, so that a compact card stays compact.
  small: { '& button': { padding: 4 }, '& svg': { fontSize: '1rem' } },
});

/** The first 7 hex characters alone, as git shortens commits: for a compact card and connector sentences. */
export function tinyDigest(digest: string): string {
  const [, hex] = digest.split(':');
  return hex ? hex.slice(0, 7) : digest.slice(0, 7);
}

/** A digest in short form, full on hover, with a copy button. */
export function DigestChip(props: {
  digest: string;
  testId?: string;
  /** Show only the first 7 hex characters (the card's form). */
  compact?: boolean;
  /** A word before the digest, such as `canary` or `stable`. */
  role?: string;
}) {
  const { digest, testId, compact, role } = props;
  const classes = useStyles();
  return (
    <Box
      display="flex"
      alignItems="center"
      minWidth={0}
      className={compact ? classes.small : undefined}
    >
      {role && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="span"
          style={{ marginRight: 4 }}
        >
          {role}
        </Typography>
      )}
      <Tooltip title={digest}>
        <Typography
          variant="body2"
          component="code"
          data-testid={testId}
          data-digest={digest}
          aria-label={`digest ${digest}`}
          style={{ whiteSpace: 'nowrap' }}
        >
          {compact
            ? tinyDigest(digest)
            : shortDigest(digest, { ellipsis: false })}
        </Typography>
      </Tooltip>
      <CopyTextButton
        text={digest}
        tooltipText="Digest copied"
        aria-label="Copy digest"
      />
    </Box>
  );
}
