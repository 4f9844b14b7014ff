import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// These tests render whole pages in jsdom; on a loaded 2-core CI machine a
// render can take seconds (one CI run saw 86 s for ConfigPage.test.tsx while
// the crash tests ran beside it). Generous limits keep them about behaviour,
// not about the machine's speed.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });
