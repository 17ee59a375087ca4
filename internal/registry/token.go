package registry

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// An API token acts as its user until it expires, is revoked, or its user's
// password changes or the user is deactivated. Only its SHA-256 is stored.
const (
	// DefaultTokenLifetime is how long a token lives unless asked otherwise.
	DefaultTokenLifetime = 90 * 24 * time.Hour
	// MaxTokenLifetime bounds what may be asked: a stolen token dies within
	// a year whatever happens.
	MaxTokenLifetime = 366 * 24 * time.Hour
	// tokenTouchEvery spaces the writes of a token's last use: an
	// integration calling many times a second writes once a minute.
	tokenTouchEvery = time.Minute
)

// APIToken describes a bearer token of the JSON API.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time // zero if never used
}

// Expired reports whether t no longer authenticates at now.
func (t APIToken) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// tokenOwner returns the account whose tokens the actor lists, creates or
// revokes: their own, or one they manage.
func (s *Service) tokenOwner(ctx context.Context, actor User, userID int64) (User, error) {
	if actor.ID != 0 && actor.ID == userID {
		u, err := s.Store.User(ctx, userID)
		if err != nil {
			return User{}, err
		}
		if !u.Active {
			return User{}, Errorf(EFORBIDDEN, "Akun nonaktif tidak dapat memakai token API.")
		}
		return u, nil
	}
	return s.ManagedUser(ctx, actor, userID)
}

// IssueAPIToken issues a bearer token for u named name, valid for
// lifetime, and returns it (it is shown once: only its hash is kept). An
// admin issues tokens for themselves; the command line for anyone.
func (s *Service) IssueAPIToken(ctx context.Context, a Actor, u User, name string, lifetime time.Duration) (string, APIToken, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		name = "token API"
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", APIToken{}, Errorf(EINVALID, "Nama token maksimal %d karakter.", 100)
	}
	if lifetime <= 0 || lifetime > MaxTokenLifetime {
		return "", APIToken{}, Errorf(EINVALID, "Masa berlaku token harus antara 1 dan %d hari.", int(MaxTokenLifetime/(24*time.Hour)))
	}
	if a.User.ID != 0 && a.User.ID != u.ID {
		return "", APIToken{}, Errorf(EFORBIDDEN, "Token API hanya dapat dibuat untuk akun Anda sendiri.")
	}
	owner, err := s.tokenOwner(ctx, a.User, u.ID)
	if err != nil {
		return "", APIToken{}, err
	}
	if !owner.Active {
		return "", APIToken{}, Errorf(EFORBIDDEN, "Akun nonaktif tidak dapat memakai token API.")
	}
	raw := make([]byte, 32)
	if _, err := io.ReadFull(s.Random, raw); err != nil {
		return "", APIToken{}, err
	}
	token := "ikr_" + base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	t := APIToken{UserID: owner.ID, Name: name, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	err = s.audited(ctx, a.User, a.IP, "token.create", owner.OrgID, owner.Email, Detail{}, func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) {
			e.SetDetail(Detailf("token:%d %q berlaku sampai %s", t.ID, t.Name, t.ExpiresAt.Format(time.DateOnly)))
		}
		return s.Store.CreateToken(ctx, HashToken(token), &t)
	})
	if err != nil {
		return "", APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return token, t, nil
}

// APITokens lists the tokens of an account: the actor's own, or one they
// manage.
func (s *Service) APITokens(ctx context.Context, actor User, userID int64) ([]APIToken, error) {
	if _, err := s.tokenOwner(ctx, actor, userID); err != nil {
		return nil, err
	}
	return s.Store.Tokens(ctx, userID)
}

// RevokeAPIToken ends one token of an account: the actor's own, or one
// they manage.
func (s *Service) RevokeAPIToken(ctx context.Context, a Actor, userID, tokenID int64) error {
	owner, err := s.tokenOwner(ctx, a.User, userID)
	if err != nil {
		return err
	}
	tokens, err := s.Store.Tokens(ctx, owner.ID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID == tokenID {
			err := s.audited(ctx, a.User, a.IP, "token.revoke", owner.OrgID, owner.Email, Plain(fmt.Sprintf("token:%d %q", t.ID, t.Name)), func(ctx context.Context, _ *PendingAudit) error {
				return s.Store.DeleteToken(ctx, owner.ID, t.ID)
			})
			if err != nil {
				return fmt.Errorf("revoke token %d: %w", t.ID, err)
			}
			return nil
		}
	}
	return Errorf(ENOTFOUND, "Token tidak ditemukan.")
}

// AuthenticateToken returns the active user behind a bearer token: an
// unknown or revoked token is EUNAUTHORIZED, an expired one ETOKENEXPIRED.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (User, error) {
	u, t, err := s.Store.TokenByHash(ctx, HashToken(token))
	if IsCode(err, ENOTFOUND) {
		return User{}, Errorf(EUNAUTHORIZED, "Token API tidak valid.")
	}
	if err != nil {
		return User{}, err
	}
	now := s.now()
	if t.Expired(now) {
		return User{}, Errorf(ETOKENEXPIRED, "Token API sudah kedaluwarsa. Buat token baru.")
	}
	if now.Sub(t.LastUsedAt) >= tokenTouchEvery {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			return User{}, fmt.Errorf("token %d last use: %w", t.ID, err)
		}
	}
	return u, nil
}

// HashToken is how session and API tokens are stored: only their SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// CreateAPIToken issues a bearer token for u with the default name and
// lifetime; see IssueAPIToken.
func (s *Service) CreateAPIToken(ctx context.Context, a Actor, u User) (string, error) {
	token, _, err := s.IssueAPIToken(ctx, a, u, "", DefaultTokenLifetime)
	return token, err
}
