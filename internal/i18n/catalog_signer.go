package i18n

// The texts of the signer hardening (issue 10): pages first, then messages.

var signerPageTexts = map[string]string{}

var signerMessages = map[string]string{}
