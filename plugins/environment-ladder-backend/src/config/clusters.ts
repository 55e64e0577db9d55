import type { Config } from '@backstage/config';

/**
 * The cluster names of the Kubernetes plugin's `config` locators, or undefined
 * when another locator (catalog, GKE, ...) may add clusters only known at run time.
 */
export function readKnownClusters(config: Config): string[] | undefined {
  const locators =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  if (
    locators.some(locator => locator.getOptionalString('type') !== 'config')
  ) {
    return undefined;
  }
  return locators.flatMap(locator =>
    (locator.getOptionalConfigArray('clusters') ?? []).map(cluster =>
      cluster.getString('name'),
    ),
  );
}
