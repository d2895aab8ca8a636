using System.Xml.Linq;
using Portal.Aws.Protocol;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>The Query protocol's encoding rules and XML reading, on their own.</summary>
public class ProtocolTests
{
    [Fact]
    public void A_form_starts_with_action_and_version_and_encodes_per_RFC_3986()
    {
        var body = new QueryForm("CreateStack", "2010-05-15").Add("TemplateBody", "a b&c=d+e/ü~").ToBody();

        Assert.Equal("Action=CreateStack&Version=2010-05-15&TemplateBody=a%20b%26c%3Dd%2Be%2F%C3%BC~", body);
    }

    [Fact]
    public void Lists_are_members_numbered_from_one_and_an_empty_list_is_sent_empty()
    {
        var fields = new QueryForm("X", "v")
            .AddList("Capabilities", ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
            .AddList("Tags", [("a", "1")], (f, prefix, t) => f.Add($"{prefix}.Key", t.Item1).Add($"{prefix}.Value", t.Item2))
            .AddList("Conditions", Array.Empty<string>())
            .AddList("Omitted", null)
            .Add("Flag", false)
            .Add("Count", 30)
            .Add("Missing", (string?)null)
            .Fields;

        Assert.Equal(
            [
                new("Action", "X"), new("Version", "v"),
                new("Capabilities.member.1", "CAPABILITY_IAM"), new("Capabilities.member.2", "CAPABILITY_NAMED_IAM"),
                new("Tags.member.1.Key", "a"), new("Tags.member.1.Value", "1"),
                new("Conditions", ""),
                new("Flag", "false"), new("Count", "30"),
            ],
            fields);
    }

    [Fact]
    public void Maps_are_entries_with_key_and_value()
    {
        var fields = new QueryForm("X", "v").AddMap("Attributes", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }).Fields;

        Assert.Equal(
            [
                new("Action", "X"), new("Version", "v"),
                new("Attributes.entry.1.key", "a"), new("Attributes.entry.1.value", "1"),
                new("Attributes.entry.2.key", "b"), new("Attributes.entry.2.value", "2"),
            ],
            fields);
    }

    [Fact]
    public void A_form_decodes_back_to_its_fields()
    {
        var form = new QueryForm("CreateStack", "2010-05-15").Add("TemplateBody", "Resources: {}\n# 100% & more").AddList("Capabilities", ["CAPABILITY_IAM"]);

        Assert.Equal(form.Fields.ToDictionary(f => f.Key, f => f.Value), CapturedRequest.DecodeForm(form.ToBody()));
    }

    [Fact]
    public void XML_is_read_by_local_name_with_lists_maps_and_timestamps()
    {
        var result = XElement.Parse("""
            <R xmlns="http://example.com/doc/">
              <Names><member>a</member><member>b</member></Names>
              <Attributes><entry><key>k</key><value>v</value></entry></Attributes>
              <When>2016-03-17T23:35:25.813Z</When>
              <Flag>true</Flag>
              <Count>7</Count>
            </R>
            """);

        Assert.Equal(["a", "b"], result.Strings("Names"));
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, result.Map("Attributes"));
        Assert.Equal(new DateTimeOffset(2016, 3, 17, 23, 35, 25, 813, TimeSpan.Zero), result.Time("When"));
        Assert.Equal((true, 7), (result.Bool("Flag"), result.Int("Count")));
        Assert.Empty(result.Strings("Absent"));
        Assert.Null(result.Text("Absent"));
    }
}
