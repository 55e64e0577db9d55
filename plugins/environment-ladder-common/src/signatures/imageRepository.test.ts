import { imageRepository } from './imageRepository';

describe('imageRepository', () => {
  it.each([
    ['ghcr.io/acme/shop', 'ghcr.io/acme/shop'],
    ['ghcr.io/acme/shop:1.4.0', 'ghcr.io/acme/shop'],
    [`ghcr.io/acme/shop@sha256:${'a'.repeat(64)}`, 'ghcr.io/acme/shop'],
    [`ghcr.io/acme/shop:1.4@sha256:${'a'.repeat(64)}`, 'ghcr.io/acme/shop'],
    ['registry.local:5000/shop', 'registry.local:5000/shop'],
    ['registry.local:5000/shop:2', 'registry.local:5000/shop'],
  ])('%s → %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository);
  });
});
