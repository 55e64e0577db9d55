import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { shortDigest } from '@environment-ladder/plugin-environment-ladder-common';

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
          {shortDigest(digest, { ellipsis: false })}
        </Typography>
      </Tooltip>
      <CopyTextButton text={digest} tooltipText="Digest copied" />
    </Box>
  );
}
