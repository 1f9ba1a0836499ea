// Package web is civicspace's web app: server-rendered pages for the
// officials who answer a self-assessment, the reviewers who publish it, the
// watchdogs who write shadow assessments, and the public who read and
// compare them. It serves the same civicspace.Service as the REST API, with
// the same access rules (see access.go), and hands every path it does not
// serve (the API under /v1, its documentation under /docs) to the API.
//
// Pages are html/template with progressive enhancement: every page works
// without JavaScript; static/app.js adds a live progress line and a
// background save of the questionnaire. Templates, styles, scripts and
// messages are embedded; nothing is fetched at run time.
//
// Sign-in exchanges an API key, verified as the API verifies keys
// (Verifier, api.Server.VerifyKey), for a server-side session: the browser
// holds a random session ID in an HttpOnly, SameSite=Strict cookie (Secure
// over TLS) that expires; the key is re-verified on every request, so a
// revoked key ends its sessions. Every form carries a CSRF token bound to
// the session (or, before sign-in, to a visitor cookie); a post without it
// is refused with 403 and changes nothing.
//
// Languages: the messages in i18n/*.yaml (English is the reference, the
// others are civicspace's own translations) chosen by a switch (a cookie)
// or Accept-Language; catalog text comes from civicspace.Catalog.Localized.
// A message file's dir field sets the page's writing direction, and the
// style sheet uses logical properties only, so a right-to-left language
// needs no template change.
package web
