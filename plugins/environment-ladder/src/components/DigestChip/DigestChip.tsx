import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';

/** `sha256:` plus the first 12 hex characters: enough to tell releases apart at a glance. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

/** A digest in short form, full on hover, with a copy button. */
export function DigestChip(props: { digest: string; testId?: string }) {
  const { digest, testId } = props;
  return (
    <Box display="flex" alignItems="center">
      <Tooltip title={digest}>
        <Typography
          variant="body2"
          component="code"
          data-testid={testId}
          data-digest={digest}
          aria-label={digest}
        >
          {shortDigest(digest)}
        </Typography>
      </Tooltip>
      <CopyTextButton text={digest} tooltipText="Digest copied" />
    </Box>
  );
}
