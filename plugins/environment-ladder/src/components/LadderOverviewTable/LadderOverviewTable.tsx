import { parseEntityRef } from '@backstage/catalog-model';
import { Link, Table, type TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import type {
  LadderOverview,
  OverviewRow,
} from '@environment-ladder/plugin-environment-ladder-common';
import { OverviewCellView } from './OverviewCellView';

const shortRef = (ref: string | null) => (ref ? parseEntityRef(ref).name : '');

/** The service's name, linking to its Environments tab. */
function ServiceLink(props: { row: OverviewRow }) {
  const entityRoute = useRouteRef(entityRouteRef);
  const { kind, namespace, name } = parseEntityRef(props.row.entityRef);
  return (
    <Link
      to={`${entityRoute({ kind, namespace, name })}/environments`}
      data-testid={`overview-link-${name}`}
    >
      {props.row.title}
    </Link>
  );
}

/**
 * Services × rungs: one row per service, one column per rung, each cell
 * what {@link OverviewCellView} shows. Used by the overview page and the
 * System/Group card.
 */
export function LadderOverviewTable(props: {
  overview: LadderOverview;
  rows: OverviewRow[];
  title?: string;
  loading?: boolean;
  dense?: boolean;
}) {
  const { overview, rows, title, loading, dense } = props;
  const columns: TableColumn<OverviewRow>[] = [
    {
      title: 'Service',
      field: 'title',
      highlight: true,
      render: row => <ServiceLink row={row} />,
    },
    ...(dense
      ? []
      : [
          {
            title: 'Owner',
            field: 'owner',
            render: (row: OverviewRow) => shortRef(row.owner),
          },
          {
            title: 'System',
            field: 'system',
            render: (row: OverviewRow) => shortRef(row.system),
          },
        ]),
    ...overview.rungs.map(
      (rung): TableColumn<OverviewRow> => ({
        title: rung.title,
        sorting: false,
        render: row => {
          const name = parseEntityRef(row.entityRef).name;
          const testId = `cell-${name}-${rung.name}`;
          if (row.notSetUp || row.error) {
            return rung === overview.rungs[0] ? (
              <Typography
                variant="body2"
                color="textSecondary"
                data-testid={testId}
              >
                {row.error ?? 'not set up'}
              </Typography>
            ) : null;
          }
          return (
            <OverviewCellView
              cell={row.cells.find(cell => cell.rung === rung.name)}
              testId={testId}
            />
          );
        },
      }),
    ),
  ];
  return (
    <Table<OverviewRow>
      title={title}
      columns={columns}
      data={rows}
      isLoading={loading}
      options={{
        paging: rows.length > 20,
        pageSize: 20,
        search: false,
        padding: dense ? 'dense' : 'default',
        toolbar: Boolean(title),
      }}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No services match.
        </Typography>
      }
    />
  );
}
