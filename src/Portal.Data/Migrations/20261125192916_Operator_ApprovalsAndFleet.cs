using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Operator_ApprovalsAndFleet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ApprovalDecisions_ReleaseId_OperatorId",
                table: "ApprovalDecisions");

            migrationBuilder.AddColumn<bool>(
                name: "RequiresApproval",
                table: "HostEnvironments",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ApprovalTokenHash",
                table: "ApprovalDecisions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries",
                columns: new[] { "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalDecisions_ReleaseId_ApprovalTokenHash_OperatorId",
                table: "ApprovalDecisions",
                columns: new[] { "ReleaseId", "ApprovalTokenHash", "OperatorId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_Action_At",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalDecisions_ReleaseId_ApprovalTokenHash_OperatorId",
                table: "ApprovalDecisions");

            migrationBuilder.DropColumn(
                name: "RequiresApproval",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "ApprovalTokenHash",
                table: "ApprovalDecisions");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalDecisions_ReleaseId_OperatorId",
                table: "ApprovalDecisions",
                columns: new[] { "ReleaseId", "OperatorId" },
                unique: true);
        }
    }
}
