// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// logSubsystem is the tflog subsystem of the API client. Its level comes from
// TF_LOG_PROVIDER_UFDL_API when set, else from the provider's root logger, so
// TF_LOG_PROVIDER=DEBUG TF_LOG_SDK=OFF shows the API requests without the framework's noise.
const logSubsystem = "ufdl_api"

// secretKeys are log field names whose values are always masked, whatever logs them: the
// client's words for secrets, and the keys that hold one in the API and in HTTP.
var secretKeys = append(slices.Clone(client.SecretKeyWords), client.FieldRegistryPassword, "Authorization")

// maskSecrets returns a context whose provider and client logs mask the password given and
// every field named like a secret.
func maskSecrets(ctx context.Context, password string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretKeys...)
	if password != "" {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, password)
		ctx = tflog.MaskMessageStrings(ctx, password)
	}
	return ctx
}

// tflogAdapter routes the API client's logs into a tflog subsystem, with secret fields and
// the provider password masked there. The client itself never logs secrets; this is the
// second lock. Masks are applied on every call because each RPC brings a fresh context.
type tflogAdapter struct {
	secrets []string
}

func (a tflogAdapter) sub(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv(envLogProvider, "API"))
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, secretKeys...)
	if len(a.secrets) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, a.secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, a.secrets...)
	}
	return ctx
}

func (a tflogAdapter) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(a.sub(ctx), logSubsystem, msg, fields)
}

func (a tflogAdapter) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemInfo(a.sub(ctx), logSubsystem, msg, fields)
}

func (a tflogAdapter) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(a.sub(ctx), logSubsystem, msg, fields)
}

func (a tflogAdapter) Error(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemError(a.sub(ctx), logSubsystem, msg, fields)
}

// Log level variables read by the plugin SDK inside the provider process. The provider's
// own root logger is TF_LOG_PROVIDER_ plus the name part of Address, upper-cased.
const envLogSDK = "TF_LOG_SDK"

var envLogProvider = "TF_LOG_PROVIDER_" + strings.ToUpper(Address[strings.LastIndex(Address, "/")+1:])

// UnreadLogLevels returns the log level variables to set in the provider process when
// nobody can read its logs. Terraform and OpenTofu keep a provider's log lines only when
// TF_LOG or TF_LOG_PROVIDER is set; otherwise they parse every JSON line the provider
// writes to stderr and drop it. The plugin SDKs log every RPC at TRACE unless told
// otherwise, which at 500 images was 40% of a plan's CPU on both sides of the pipe.
// A debug-mode provider writes to the user's terminal, so it keeps its logs, and a level
// the user set explicitly is never overridden. getenv is os.Getenv outside tests.
func UnreadLogLevels(getenv func(string) string, debug bool) map[string]string {
	if debug || strings.TrimSpace(getenv("TF_LOG")) != "" || strings.TrimSpace(getenv("TF_LOG_PROVIDER")) != "" {
		return nil
	}
	out := map[string]string{}
	for _, name := range []string{envLogSDK, envLogProvider} {
		if getenv(name) == "" {
			out[name] = "OFF"
		}
	}
	return out
}
