using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Web.Mail;

namespace Portal.Web.Tests.Mail;

/// <summary>The one SMTP setting, checked when the portal starts: a wrong value stops it, naming the key.</summary>
public sealed class MailOptionsTests
{
    [Theory]
    [InlineData("Portal:Smtp:From", "nobody", "Portal:Smtp:From")]
    [InlineData("Portal:Smtp:Port", "70000", "Portal:Smtp:Port")]
    [InlineData("Portal:Smtp:Security", "Auto", "Portal:Smtp:Security")]
    [InlineData("Portal:Smtp:UserName", "someone", "Portal:Smtp:Password")]
    [InlineData("Portal:Smtp:MaxAttempts", "0", "Portal:Smtp:MaxAttempts")]
    public void A_wrong_setting_stops_the_start_naming_it(string key, string value, string named)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => StartValidation(new() { [key] = value }));
        Assert.Contains(named, failure.Message);
    }

    [Fact]
    public void Good_settings_and_no_host_at_all_both_start()
    {
        StartValidation(new() { ["Portal:Smtp:Host"] = null, ["Portal:Smtp:From"] = "" });
        var options = StartValidation(new() { ["Portal:Smtp:From"] = "Portal <portal@example.com>" });
        Assert.Equal("portal@example.com", options.FromAddress.Address);
        Assert.Equal(587, options.Port);
    }

    private static MailOptions StartValidation(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Smtp:Host"] = "smtp.example.com",
            ["Portal:Smtp:From"] = "portal@example.com",
        };
        foreach (var (key, value) in overrides) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddPortalMail(configuration, runsBackgroundWork: false).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider.GetRequiredService<MailOptions>();
    }
}
