import {
  Link,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import {
  comparePreviews,
  type PreviewEnvironment,
  type PreviewFlag,
} from '@environment-ladder/plugin-environment-ladder-common';
import { Fragment, useState } from 'react';
import { DigestChip } from '../DigestChip';
import { formatAge } from '../RungCard/formatAge';

/** How many previews are shown before "Show all". */
const FIRST_SHOWN = 10;
const COLUMNS = 7;

const useStyles = makeStyles(theme => ({
  flaggedRow: {
    '& > td:first-child': {
      borderLeft: `4px solid ${theme.palette.error.main}`,
    },
  },
  flagRow: {
    '& > td': {
      borderLeft: `4px solid ${theme.palette.error.main}`,
      paddingTop: 0,
    },
  },
  flag: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    // The icon carries the colour; the sentence stays readable (contrast AA).
    color: theme.palette.text.primary,
    '& svg': { color: theme.palette.error.main },
  },
  noWrap: { whiteSpace: 'nowrap' },
}));

/** The page a link points at, or undefined unless it is a web link (cluster objects are untrusted). */
function webLink(value: string): { href: string; label: string } | undefined {
  // Argo CD link annotations may be written "title|url".
  const bar = value.indexOf('|');
  const title = bar >= 0 ? value.slice(0, bar).trim() : '';
  const url = bar >= 0 ? value.slice(bar + 1) : value;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return undefined;
  }
  const path = `${parsed.pathname}${parsed.search}`.replace(/^\/$/, '');
  return { href: parsed.href, label: title || `${parsed.host}${path}` };
}

/** Distinct web links; `https://host` and `https://host/` are one page. */
function previewLinks(urls: string[]): Array<{ href: string; label: string }> {
  const seen = new Set<string>();
  return urls.flatMap(url => {
    const link = webLink(url);
    if (!link || seen.has(link.href)) return [];
    seen.add(link.href);
    return [link];
  });
}

function Health(props: { health: PreviewEnvironment['health'] }) {
  const { health } = props;
  switch (health) {
    case 'Healthy':
      return (
        <>
          <StatusOK />
          {health}
        </>
      );
    case 'Progressing':
      return (
        <>
          <StatusPending />
          {health}
        </>
      );
    case 'Degraded':
      return (
        <>
          <StatusError />
          {health}
        </>
      );
    case 'Missing':
      return (
        <>
          <StatusWarning />
          {health}
        </>
      );
    default:
      return (
        <>
          <StatusAborted />
          {health}
        </>
      );
  }
}

/** A short sentence saying what to do about a flag, before its explanation. */
export function flagHeadline(
  preview: PreviewEnvironment,
  flag: PreviewFlag,
): string {
  const pr = preview.prNumber !== null ? `PR #${preview.prNumber}` : null;
  if (flag.rule === 'preview-outlived-pr') {
    if (!pr) return 'This preview outlived its pull request: tear it down';
    return preview.prState === 'closed' || preview.prState === 'merged'
      ? `${pr} is ${preview.prState}: tear this preview down`
      : `${pr} is no longer open: tear this preview down`;
  }
  return pr
    ? `The preview of ${pr} uses production values`
    : 'This preview uses production values';
}

const keyOf = (preview: PreviewEnvironment) =>
  `${preview.cluster ?? ''}/${preview.namespace}/${
    preview.applicationName ?? ''
  }`;

const testIdOf = (preview: PreviewEnvironment) =>
  preview.prNumber !== null
    ? String(preview.prNumber)
    : `ns-${preview.namespace || preview.applicationName || 'unknown'}`;

function PullRequestCell(props: { preview: PreviewEnvironment }) {
  const { preview } = props;
  const prUrl = preview.prUrl ? webLink(preview.prUrl) : undefined;
  const number =
    preview.prNumber !== null ? `#${preview.prNumber}` : preview.namespace;
  return (
    <>
      {prUrl ? (
        <Link
          to={prUrl.href}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={`Pull request ${number}`}
        >
          {number}
        </Link>
      ) : (
        <Typography variant="body2" component="span">
          {number || '—'}
        </Typography>
      )}
      {preview.title && (
        <Typography variant="caption" component="div" color="textSecondary">
          {preview.title}
        </Typography>
      )}
    </>
  );
}

/**
 * The open previews of a preview rung, newest first: pull request (linked, with its title
 * when known), branch, head SHA, links, digest, health and age. A flagged preview is marked
 * and followed by a line saying what is wrong. Only the first ten are shown until the user
 * asks for all, so that fifty previews keep the page readable.
 */
export function PreviewList(props: {
  previews: PreviewEnvironment[];
  now: Date;
}) {
  const { now } = props;
  const classes = useStyles();
  const [showAll, setShowAll] = useState(false);
  const previews = [...props.previews].sort(comparePreviews);

  if (previews.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No previews: no pull request has one right now.
      </Typography>
    );
  }

  const shown = showAll ? previews : previews.slice(0, FIRST_SHOWN);
  const hidden = previews.slice(shown.length);
  const hiddenFlagged = hidden.filter(p => p.flags.length > 0).length;

  return (
    <Box>
      <Table size="small" aria-label="Previews">
        <TableHead>
          <TableRow>
            <TableCell>Pull request</TableCell>
            <TableCell>Branch</TableCell>
            <TableCell>Head</TableCell>
            <TableCell>Links</TableCell>
            <TableCell>Digest</TableCell>
            <TableCell>Health</TableCell>
            <TableCell>Age</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(preview => {
            const id = testIdOf(preview);
            const flagged = preview.flags.length > 0;
            const links = previewLinks(preview.urls);
            return (
              <Fragment key={keyOf(preview)}>
                <TableRow
                  data-testid={`preview-${id}`}
                  data-flagged={flagged ? 'true' : undefined}
                  className={flagged ? classes.flaggedRow : undefined}
                >
                  <TableCell>
                    <PullRequestCell preview={preview} />
                  </TableCell>
                  <TableCell>
                    <Typography variant="body2" component="code">
                      {preview.branch ?? preview.branchSlug ?? '—'}
                    </Typography>
                  </TableCell>
                  <TableCell className={classes.noWrap}>
                    {preview.headSha ? (
                      <Tooltip title={preview.headSha}>
                        <Typography
                          variant="body2"
                          component="code"
                          aria-label={`Head commit ${preview.headSha}`}
                        >
                          {preview.headSha.slice(0, 7)}
                        </Typography>
                      </Tooltip>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell>
                    {links.length === 0 && '—'}
                    {links.map(link => (
                      <Box key={link.href}>
                        <Link
                          to={link.href}
                          target="_blank"
                          rel="noopener noreferrer"
                          data-testid={`preview-link-${id}`}
                        >
                          {link.label}
                        </Link>
                      </Box>
                    ))}
                  </TableCell>
                  <TableCell className={classes.noWrap}>
                    {preview.digest ? (
                      <DigestChip
                        digest={preview.digest}
                        testId={`preview-digest-${id}`}
                      />
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell className={classes.noWrap}>
                    <Health health={preview.health} />
                  </TableCell>
                  <TableCell className={classes.noWrap}>
                    {formatAge(preview.createdAt, now) ?? '—'}
                  </TableCell>
                </TableRow>
                {flagged && (
                  <TableRow
                    className={classes.flagRow}
                    data-testid={`preview-flag-${id}`}
                  >
                    <TableCell colSpan={COLUMNS}>
                      {preview.flags.map(flag => (
                        <Box
                          key={`${flag.rule}-${flag.message}`}
                          className={classes.flag}
                        >
                          <WarningIcon fontSize="small" aria-label="Flagged" />
                          <Typography variant="body2" component="div">
                            <strong>{flagHeadline(preview, flag)}.</strong>{' '}
                            {flag.message}
                          </Typography>
                        </Box>
                      ))}
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      {previews.length > FIRST_SHOWN && (
        <Button
          size="small"
          onClick={() => setShowAll(!showAll)}
          aria-expanded={showAll}
        >
          {showAll
            ? `Show the ${FIRST_SHOWN} newest`
            : `Show all ${previews.length} previews${
                hiddenFlagged > 0 ? ` (${hiddenFlagged} more flagged)` : ''
              }`}
        </Button>
      )}
    </Box>
  );
}
