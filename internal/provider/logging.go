package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the tflog subsystem of the API client: TF_LOG_PROVIDER_UFDL_API=DEBUG
// shows its requests without the framework's own noise.
const logSubsystem = "ufdl_api"

// secretKeys are log field names whose values are always masked, whatever logs them.
var secretKeys = []string{"password", "registry_password", "authorization", "Authorization", "token", "access", "refresh"}

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
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
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
