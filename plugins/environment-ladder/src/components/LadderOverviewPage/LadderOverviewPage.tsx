import { parseEntityRef } from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import {
  matchesOverviewFilter,
  type OverviewFilter,
  type OverviewRow,
} from '@environment-ladder/plugin-environment-ladder-common';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLadderOverview } from '../../hooks/useLadderOverview';
import { LadderOverviewTable } from '../LadderOverviewTable';

type Facet = 'owner' | 'system' | 'lifecycle';

const FACETS: Array<{ facet: Facet; label: string }> = [
  { facet: 'owner', label: 'Owner' },
  { facet: 'system', label: 'System' },
  { facet: 'lifecycle', label: 'Lifecycle' },
];

/** The values a facet takes in the rows, for its menu. */
function valuesOf(rows: OverviewRow[], facet: Facet): string[] {
  const values = new Set<string>();
  for (const row of rows) {
    const value = row[facet];
    if (value) values.add(value);
  }
  return [...values].sort();
}

function labelOf(facet: Facet, value: string) {
  return facet === 'lifecycle' ? value : parseEntityRef(value).name;
}

/** The filter as the URL holds it, so that a filtered view can be shared. */
function useFilterParams(): [OverviewFilter, (next: OverviewFilter) => void] {
  const [params, setParams] = useSearchParams();
  const filter: OverviewFilter = {
    owner: params.get('owner') ?? undefined,
    system: params.get('system') ?? undefined,
    lifecycle: params.get('lifecycle') ?? undefined,
    onlyBroken: params.get('onlyBroken') === 'true' || undefined,
  };
  const setFilter = (next: OverviewFilter) => {
    const search = new URLSearchParams();
    for (const { facet } of FACETS) {
      const value = next[facet];
      if (value) search.set(facet, value);
    }
    if (next.onlyBroken) search.set('onlyBroken', 'true');
    setParams(search, { replace: true });
  };
  return [filter, setFilter];
}

/**
 * The org-wide overview: every service the viewer may see × every rung, in
 * one request. Filters narrow the loaded rows in the browser, so changing
 * one costs no request and the menus offer only values that occur.
 */
export function LadderOverviewPage() {
  const { value: overview, loading, error } = useLadderOverview();
  const [filter, setFilter] = useFilterParams();
  const rows = useMemo(
    () =>
      overview?.rows.filter(row => matchesOverviewFilter(row, filter)) ?? [],
    [overview, filter],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Environment ladder"
        subtitle="Which digest runs where, for every service you can see"
      />
      <Content>
        <ContentHeader title="Services × rungs" />
        {error && !overview && <ResponseErrorPanel error={error} />}
        {!overview && loading && <Progress />}
        {overview && (
          <>
            <Box display="flex" flexWrap="wrap" alignItems="center" mb={2}>
              {FACETS.map(({ facet, label }) => (
                <Box key={facet} mr={2} minWidth={180}>
                  <TextField
                    select
                    fullWidth
                    label={label}
                    value={filter[facet] ?? ''}
                    onChange={event =>
                      setFilter({
                        ...filter,
                        [facet]: event.target.value || undefined,
                      })
                    }
                    SelectProps={{ native: true }}
                    inputProps={{ 'data-testid': `filter-${facet}` }}
                  >
                    <option value="">All</option>
                    {valuesOf(overview.rows, facet).map(value => (
                      <option key={value} value={value}>
                        {labelOf(facet, value)}
                      </option>
                    ))}
                  </TextField>
                </Box>
              ))}
              <FormControlLabel
                control={
                  <Checkbox
                    checked={Boolean(filter.onlyBroken)}
                    onChange={(_event, checked) =>
                      setFilter({ ...filter, onlyBroken: checked || undefined })
                    }
                  />
                }
                label="Only broken"
              />
            </Box>
            <LadderOverviewTable
              overview={overview}
              rows={rows}
              title={`${rows.length} of ${overview.rows.length} services`}
            />
          </>
        )}
      </Content>
    </Page>
  );
}
