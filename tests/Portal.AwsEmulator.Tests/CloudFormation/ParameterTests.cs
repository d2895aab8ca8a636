using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>Parameter validation answers ValidationError with CloudFormation's wording, before anything is created.</summary>
public sealed class ParameterTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Template = """
        Parameters:
          Name: { Type: String, AllowedPattern: "^[a-z]+$", MinLength: 3, MaxLength: 8 }
          Env: { Type: String, AllowedValues: [dev, prod], Default: dev }
          Slug: { Type: String, Default: ok, AllowedPattern: "^[a-z]+$", ConstraintDescription: must be lower-case letters }
          Count: { Type: Number, MinValue: 1, MaxValue: 10, Default: 2 }
          Sizes: { Type: CommaDelimitedList, AllowedValues: [s, m, l], Default: "s,m" }
          Ports: { Type: List<Number>, Default: "80,443" }
          Subnets: { Type: List<AWS::EC2::Subnet::Id>, Default: "subnet-0123456789abcdef0,subnet-0123456789abcdef1" }
          Vpc: { Type: AWS::EC2::VPC::Id, Default: vpc-0123456789abcdef0 }
          Password: { Type: String, NoEcho: true, Default: s3cret }
        Resources:
          Topic: { Type: AWS::SNS::Topic, Properties: { DisplayName: !Join [",", !Ref Sizes] } }
        Outputs:
          Sizes: { Value: !Join ["+", !Ref Sizes] }
          Ports: { Value: !Select [1, !Ref Ports] }
          Count: { Value: !Ref Count }
        """;

    [Theory]
    [InlineData(null, "Parameters: [Name] must have values")]
    [InlineData("Name=abc;Nope=1", "Parameters: [Nope] do not exist in the template")]
    [InlineData("Name=ab", "Parameter 'Name' must contain at least 3 characters")]
    [InlineData("Name=abcdefghij", "Parameter 'Name' must contain at most 8 characters")]
    [InlineData("Name=ABC", "Parameter 'Name' must match pattern ^[a-z]+$")]
    [InlineData("Name=abc;Env=qa", "Parameter 'Env' must be one of AllowedValues")]
    [InlineData("Name=abc;Slug=NO", "Parameter 'Slug' failed to satisfy constraint: must be lower-case letters")]
    [InlineData("Name=abc;Count=many", "Parameter 'Count' must be a number")]
    [InlineData("Name=abc;Count=0", "Parameter 'Count' must be a number not less than 1")]
    [InlineData("Name=abc;Count=11", "Parameter 'Count' must be a number not greater than 10")]
    [InlineData("Name=abc;Sizes=s,xl", "Parameter 'Sizes' must be one of AllowedValues")]
    [InlineData("Name=abc;Ports=80,http", "Parameter 'Ports' must be a number")]
    [InlineData("Name=abc;Subnets=subnet-0123456789abcdef0,sn-1", "Parameter validation failed: parameter value sn-1 for parameter name Subnets does not exist.")]
    [InlineData("Name=abc;Vpc=vpc-xyz", "Parameter validation failed: parameter value vpc-xyz for parameter name Vpc does not exist.")]
    public async Task Invalid_parameters_are_refused(string? given, string message)
    {
        var name = EmulatorFixture.UniqueName("params");
        var parameters = given?.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        var error = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(name, Template, parameters));

        Assert.Equal("ValidationError", error.Code);
        Assert.StartsWith(message, error.AwsMessage);
        await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.DescribeAsync(name));
    }

    [Fact]
    public async Task Valid_parameters_are_used_with_defaults_and_no_echo_values_are_masked()
    {
        var name = EmulatorFixture.UniqueName("params");

        var stack = await aws.Stacks.CreateAndWaitAsync(name, Template, new Dictionary<string, string> { ["Name"] = "abc", ["Sizes"] = "m, l" });

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal("m+l", stack.Outputs["Sizes"]);
        Assert.Equal("443", stack.Outputs["Ports"]);
        Assert.Equal("2", stack.Outputs["Count"]);
        Assert.Equal("****", stack.Parameters["Password"]);
        Assert.Equal("dev", stack.Parameters["Env"]);
    }

    [Fact]
    public async Task Update_with_use_previous_value_keeps_the_old_value()
    {
        var name = EmulatorFixture.UniqueName("previous");
        await aws.Stacks.CreateAndWaitAsync(name, Template, new Dictionary<string, string> { ["Name"] = "abc", ["Count"] = "5" });

        await aws.Stacks.UpdateAsync(name, Template, new Dictionary<string, string> { ["Sizes"] = "l" },
            ("Parameters.member.2.ParameterKey", "Name"), ("Parameters.member.2.UsePreviousValue", "true"),
            ("Parameters.member.3.ParameterKey", "Count"), ("Parameters.member.3.UsePreviousValue", "true"));
        var stack = await aws.Stacks.WaitAsync(name);

        Assert.Equal("UPDATE_COMPLETE", stack.Status);
        Assert.Equal("abc", stack.Parameters["Name"]);
        Assert.Equal("5", stack.Parameters["Count"]);
        Assert.Equal("l", stack.Outputs["Sizes"]);
    }
}
