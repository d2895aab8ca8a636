using MimeKit;

namespace Portal.Web.Mail;

/// <summary>
/// How the portal sends e-mail (section "Portal:Smtp") and where its links point ("Portal:PublicUrl"): the one SMTP
/// setting of every mail (invitations, password resets, approvals, failures), all sent through the outbox. With no host,
/// mail is still queued (and sent once a host is configured). Validated at start (<see cref="MailOptionsValidation"/>).
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Portal:Smtp";
    public const string PublicUrlKey = "Portal:PublicUrl";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>None, StartTls (the default: required), StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTls";
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>The sender, e.g. "Portal &lt;portal@example.com&gt;".</summary>
    public string From { get; set; } = "";

    /// <summary>Attempts before a mail is given up; between them the wait doubles from <see cref="RetryDelay"/>, at most <see cref="MaxRetryDelay"/>.</summary>
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Looks for due mail on its own at most this often (a lost notification); otherwise it waits for one.</summary>
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool Sends => !string.IsNullOrWhiteSpace(Host);

    public MailboxAddress FromAddress => MailboxAddress.Parse(From);

    public MailKit.Security.SecureSocketOptions SocketOptions => Enum.Parse<MailKit.Security.SecureSocketOptions>(Security, ignoreCase: true);

    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, RetryDelay.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));

    /// <summary>What is wrong with the settings, naming the key (null: nothing).</summary>
    public string? Problem()
    {
        if (!Sends) return null;
        if (Port is < 1 or > 65535) return Bad(nameof(Port), $"must be a TCP port (is {Port})");
        if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(Security, ignoreCase: true, out var security) || security == MailKit.Security.SecureSocketOptions.Auto)
            return Bad(nameof(Security), $"must be None, StartTls, StartTlsWhenAvailable or SslOnConnect (is '{Security}')");
        if (!MailboxAddress.TryParse(From, out var from) || !from.Address.Contains('@'))
            return Bad(nameof(From), $"must be the sender's address, e.g. Portal <portal@example.com> (is '{From}')");
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password)) return Bad(nameof(Password), "and UserName go together");
        if (MaxAttempts < 1) return Bad(nameof(MaxAttempts), "must be at least 1");
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || Timeout <= TimeSpan.Zero || SafetyPollInterval <= TimeSpan.Zero)
            return Bad(nameof(RetryDelay), "and the other intervals must be positive, MaxRetryDelay at least RetryDelay");
        return null;
    }

    public static void ValidatePublicUrl(string? publicUrl)
    {
        if (string.IsNullOrWhiteSpace(publicUrl)) return;
        if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
            throw new InvalidOperationException($"{PublicUrlKey} must be an absolute http or https URL without a query (is '{publicUrl}').");
    }

    private static string Bad(string name, string why) => $"{Section}:{name} {why}.";
}

/// <summary>Stops the start (ValidateOnStart) when <see cref="MailOptions"/> are wrong, with the key in the message.</summary>
public sealed class MailOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<MailOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, MailOptions options) =>
        options.Problem() is { } problem
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
