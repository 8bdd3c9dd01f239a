import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n/index.ts';
import './base.css';
import './a11y.css';
import { App } from './App.tsx';
import { rememberLandingSource } from './landing-source.ts';

// The landing URL's campaign, referral code and UTM parameters, kept for the sign-up (issue 20).
rememberLandingSource();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
