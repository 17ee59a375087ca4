package i18n

// The texts of the access hardening (issue 10): pages first, then messages.

var accessPageTexts = map[string]string{}

var accessMessages = map[string]string{}
