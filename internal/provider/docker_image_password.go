// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// The registry password the server holds is a secret of the server's: state keeps a
// registry password only where the configuration writes one. Private state keeps a salted,
// slow digest of the server's password instead, so that a plan can tell, without the secret,
// whether the server holds the configured password already: an imported image whose
// configuration writes its password plans no change, and a password changed on the server
// shows as one.

// privatePasswordDigest is the private state key of the digest.
const privatePasswordDigest = "registry_password_digest"

// digestIterations makes a digest cost about a millisecond: cheap for a plan, slow for a
// search of likely passwords.
const digestIterations = 4096

// passwordDigest is a salted digest of a registry password, as private state keeps it.
type passwordDigest struct {
	Salt string `json:"salt"`
	Hash string `json:"hash"`
}

// digestPassword digests password with salt, or with a new salt when salt is empty.
func digestPassword(password, salt string) passwordDigest {
	if salt == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		salt = base64.RawStdEncoding.EncodeToString(b)
	}
	key, err := pbkdf2.Key(sha256.New, password, []byte(salt), digestIterations, 32)
	if err != nil {
		return passwordDigest{} // never: the parameters are fixed and valid
	}
	return passwordDigest{Salt: salt, Hash: base64.RawStdEncoding.EncodeToString(key)}
}

// matches reports whether d is a digest of password.
func (d passwordDigest) matches(password string) bool {
	if d.Hash == "" {
		return false
	}
	got := digestPassword(password, d.Salt)
	return subtle.ConstantTimeCompare([]byte(got.Hash), []byte(d.Hash)) == 1
}

// heldDigest is the digest of the password the server holds, as private state keeps it;
// the zero digest when it keeps none.
func heldDigest(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) (passwordDigest, diag.Diagnostics) {
	var d passwordDigest
	b, diags := private.GetKey(ctx, privatePasswordDigest)
	if len(b) > 0 {
		_ = json.Unmarshal(b, &d) // an unreadable digest matches nothing: the plan sends the password
	}
	return d, diags
}

// rememberHeld records in private state the digest of the password the server holds (nil
// for none), keeping the salt of the old digest when it still matches, so that a refresh
// without change leaves private state as it was.
func rememberHeld(ctx context.Context, private privateSetter, old passwordDigest, held *string) diag.Diagnostics {
	if held == nil {
		return private.SetKey(ctx, privatePasswordDigest, nil)
	}
	d := old
	if !old.matches(*held) {
		d = digestPassword(*held, "")
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil
	}
	return private.SetKey(ctx, privatePasswordDigest, b)
}

// rememberPassword records the digest of the registry password img holds, for the image m
// describes; none while the write-only password is in use: its secret stays out of state
// altogether, digested or not.
func rememberPassword(ctx context.Context, m dockerImageModel, private privateSetter, old passwordDigest, img *client.Image) diag.Diagnostics {
	if !m.RegistryPasswordWOVersion.IsNull() {
		return private.SetKey(ctx, privatePasswordDigest, nil)
	}
	return rememberHeld(ctx, private, old, img.RegistryPassword)
}

// notStored is what state holds for a registry password that the server holds and state
// does not keep: not the secret, and not null, which says the server holds none.
const notStored = ""

// storedPassword is what state keeps of held, the registry password the server holds (nil
// for none), for the image m describes: the same password where m holds it (as configured),
// null where the server holds none or the write-only password is in use, else notStored.
func storedPassword(m dockerImageModel, held *string) types.String {
	switch {
	case !m.RegistryPasswordWOVersion.IsNull() || held == nil:
		return types.StringNull()
	case known(m.RegistryPassword) && m.RegistryPassword.ValueString() == *held:
		return m.RegistryPassword
	}
	return types.StringValue(notStored)
}

// plannedPassword is the registry password the plan puts into state: null without a
// username or with the write-only password; the configured one, or state's where the server
// holds the configured one already (an imported image whose configuration writes its
// password: nothing changes); for an omitted one, what state says of the password the
// server keeps.
func plannedPassword(p imagePlan, held passwordDigest) types.String {
	configured, state := p.password, p.state.RegistryPassword
	switch {
	case p.plan.RegistryUsername.IsNull() || !p.plan.RegistryPasswordWOVersion.IsNull():
		return types.StringNull()
	case configured.IsUnknown():
		return configured
	case !configured.IsNull():
		if !p.creating && !configured.Equal(state) && !state.IsNull() && held.matches(configured.ValueString()) {
			return state // the server holds it: keep state as it is
		}
		return configured
	case p.creating:
		return types.StringNull() // a new image gets no password
	case !p.state.RegistryPasswordWOVersion.IsNull() || !state.IsNull():
		return types.StringValue(notStored) // the server keeps the one it holds
	}
	return types.StringNull() // the server holds none
}
