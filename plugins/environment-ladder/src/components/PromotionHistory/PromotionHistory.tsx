import type { CompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  isPromotionInFlight,
  shortDigest,
  type Promotion,
} from '@environment-ladder/plugin-environment-ladder-common';
import Box from '@material-ui/core/Box';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import { Fragment, useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ladderApiRef } from '../../api';
import { PromotionStateChip } from './PromotionStateChip';

/** How often the history refreshes while a promotion is still moving. */
const REFRESH_MS = 10_000;

const COLUMNS = 7;

/** `user:default/jane` → `jane`; other namespaces stay visible. */
function displayRef(ref: string): string {
  const match = /^user:(?:default\/)?(.+)$/.exec(ref);
  return match ? match[1] : ref;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toISOString().replace('T', ' ').slice(0, 16).concat(' UTC');
}

function PromotionDetails(props: { promotion: Promotion }) {
  const { promotion } = props;
  return (
    <Box py={1} data-testid={`promotion-details-${promotion.id}`}>
      <Typography variant="subtitle2">Reason</Typography>
      <Typography variant="body2" paragraph style={{ whiteSpace: 'pre-wrap' }}>
        {promotion.reason}
      </Typography>
      {promotion.error && (
        <Typography variant="body2" color="error" paragraph>
          {promotion.error}
        </Typography>
      )}
      <Typography variant="subtitle2">Rules</Typography>
      <ul aria-label="Rules" style={{ marginTop: 0 }}>
        {promotion.verdicts.map(verdict => (
          <li key={verdict.rule}>
            <Typography variant="body2">
              {verdict.passed ? '✅' : '❌'} <strong>{verdict.rule}</strong>:{' '}
              {verdict.message}
            </Typography>
          </li>
        ))}
      </ul>
      {promotion.approvals.length > 0 && (
        <Typography variant="body2" paragraph>
          Approved by {promotion.approvals.map(displayRef).join(', ')}
        </Typography>
      )}
      {promotion.history.length > 0 && (
        <>
          <Typography variant="subtitle2">History</Typography>
          <ul aria-label="History" style={{ marginTop: 0 }}>
            {promotion.history.map(event => (
              <li key={`${event.state}-${event.at}`}>
                <Typography variant="body2">
                  {formatTime(event.at)} · {event.state} · {event.message}
                </Typography>
              </li>
            ))}
          </ul>
        </>
      )}
    </Box>
  );
}

function PromotionRow(props: { promotion: Promotion }) {
  const { promotion } = props;
  const [open, setOpen] = useState(false);
  const failedRules = promotion.verdicts.filter(v => !v.passed).length;
  return (
    <Fragment>
      <TableRow data-testid={`promotion-${promotion.id}`}>
        <TableCell>{formatTime(promotion.createdAt)}</TableCell>
        <TableCell>{displayRef(promotion.requestedBy)}</TableCell>
        <TableCell>
          {/* A rollback's source is its target: "staging → staging" would say nothing. */}
          {promotion.kind === 'rollback'
            ? `${promotion.targetEnvironment} rolled back`
            : `${promotion.sourceEnvironment} → ${promotion.targetEnvironment}`}
        </TableCell>
        <TableCell>
          <Tooltip title={promotion.digest}>
            <code aria-label={promotion.digest}>
              {shortDigest(promotion.digest, { ellipsis: false })}
            </code>
          </Tooltip>
        </TableCell>
        <TableCell>
          <Tooltip
            title={
              failedRules > 0
                ? `${failedRules} rule${failedRules === 1 ? '' : 's'} refused`
                : `${promotion.verdicts.length} rules passed`
            }
          >
            <span>
              <PromotionStateChip state={promotion.state} />
            </span>
          </Tooltip>
        </TableCell>
        <TableCell>
          {promotion.pullRequest ? (
            <Link to={promotion.pullRequest.url}>
              #{promotion.pullRequest.number}
            </Link>
          ) : (
            '—'
          )}
        </TableCell>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={
              open ? 'Hide rules and history' : 'Show rules and history'
            }
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell
          colSpan={COLUMNS}
          style={{
            paddingTop: 0,
            paddingBottom: 0,
            borderBottom: open ? undefined : 'none',
          }}
        >
          <Collapse in={open} timeout="auto" unmountOnExit>
            <PromotionDetails promotion={promotion} />
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/**
 * The entity's promotions, newest first: who asked for what, from which rung
 * to which, the pull request and how far it got. Refreshes when
 * `refreshKey` changes and, while a promotion is still moving, on a timer.
 */
export function PromotionHistory(props: {
  entityRef: CompoundEntityRef;
  refreshKey?: number;
}) {
  const { entityRef, refreshKey } = props;
  const ladderApi = useApi(ladderApiRef);
  const state = useAsyncRetry(
    () => ladderApi.listPromotions(entityRef),
    // refreshKey is a deliberate dependency: a new promotion was requested.
    [
      ladderApi,
      entityRef.kind,
      entityRef.namespace,
      entityRef.name,
      refreshKey,
    ],
  );
  const { value: promotions, loading, error, retry } = state;
  const moving = promotions?.some(p => isPromotionInFlight(p.state)) ?? false;

  useEffect(() => {
    if (!moving) {
      return undefined;
    }
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || !document.hidden) {
        retry();
      }
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [moving, retry]);

  let content;
  if (!promotions && loading) {
    content = <Progress />;
  } else if (error && !promotions) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!promotions || promotions.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        No promotions yet. Promote a release with the button next to its rung.
      </Typography>
    );
  } else {
    const newestFirst = [...promotions].sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    );
    content = (
      <Table size="small" aria-label="Promotions">
        <TableHead>
          <TableRow>
            <TableCell>Created</TableCell>
            <TableCell>Requested by</TableCell>
            <TableCell>From → to</TableCell>
            <TableCell>Digest</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Pull request</TableCell>
            <TableCell padding="checkbox" />
          </TableRow>
        </TableHead>
        <TableBody>
          {newestFirst.map(promotion => (
            <PromotionRow key={promotion.id} promotion={promotion} />
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard title="Promotions">
      <Box data-testid="promotion-history">{content}</Box>
    </InfoCard>
  );
}
