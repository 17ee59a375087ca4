package i18n

// The texts of the privacy hardening (issue 10): pages first, then messages.

var privacyPageTexts = map[string]string{}

var privacyMessages = map[string]string{}
