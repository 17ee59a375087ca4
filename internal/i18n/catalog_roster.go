package i18n

// The texts of the roster hardening (issue 10): pages first, then messages.

var rosterPageTexts = map[string]string{}

var rosterMessages = map[string]string{}
