import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';

// Every other frontend plugin the app depends on, the Environment Ladder
// included, is discovered through `app.packages: all` in app-config.yaml.
export default createApp({
  features: [catalogPlugin, navModule],
});
