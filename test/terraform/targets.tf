# Every kind of target parameters the provider knows, and the optional arguments of rules, buses
# and permissions main.tf leaves out, on two more rules (5 targets is a rule's quota). Part of the
# configuration test/e2e/terraform.test.ts applies; `local.g` is the generation (1, then 2).

resource "aws_cloudwatch_event_rule" "targets" {
  name_prefix = "tf-targets-"
  # A bus may be named by its ARN.
  event_bus_name = aws_cloudwatch_event_bus.orders.arn
  event_pattern = jsonencode({
    source = [{ prefix = "tf." }]
    detail = { kind = [{ "anything-but" = ["x${local.g}"] }] }
  })
}

resource "aws_cloudwatch_event_target" "fifo" {
  rule           = aws_cloudwatch_event_rule.targets.name
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  target_id      = "fifo"
  arn            = "arn:aws:sqs:us-east-1:${local.account}:tf-orders.fifo"
  input_path     = local.g == 1 ? "$.detail" : "$.detail.order"
  sqs_target {
    message_group_id = "group-${local.g}"
  }
}

resource "aws_cloudwatch_event_target" "kinesis" {
  rule           = aws_cloudwatch_event_rule.targets.name
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  target_id      = "kinesis"
  arn            = "arn:aws:kinesis:us-east-1:${local.account}:stream/tf"
  role_arn       = "arn:aws:iam::${local.account}:role/tf-kinesis"
  kinesis_target {
    partition_key_path = "$.detail.id${local.g}"
  }
}

resource "aws_cloudwatch_event_target" "ecs" {
  rule           = aws_cloudwatch_event_rule.targets.name
  event_bus_name = aws_cloudwatch_event_bus.orders.arn
  target_id      = "ecs"
  arn            = "arn:aws:ecs:us-east-1:${local.account}:cluster/tf"
  role_arn       = "arn:aws:iam::${local.account}:role/tf-ecs"
  ecs_target {
    task_definition_arn     = "arn:aws:ecs:us-east-1:${local.account}:task-definition/tf:${local.g}"
    task_count              = local.g
    propagate_tags          = "TASK_DEFINITION"
    tags                    = { generation = tostring(local.g) }
    enable_ecs_managed_tags = true
    enable_execute_command  = local.g == 2
    group                   = "group-${local.g}"
    platform_version        = "LATEST"
    capacity_provider_strategy {
      capacity_provider = "FARGATE_SPOT"
      weight            = local.g
      base              = local.g
    }
    placement_constraint {
      type       = "memberOf"
      expression = "attribute:ecs.instance-type =~ t${local.g}.*"
    }
    ordered_placement_strategy {
      type  = "spread"
      field = "attribute:ecs.availability-zone"
    }
    network_configuration {
      subnets          = ["subnet-0123456${local.g}"]
      security_groups  = ["sg-0123456${local.g}"]
      assign_public_ip = false
    }
  }
}

resource "aws_cloudwatch_event_target" "batch" {
  rule           = aws_cloudwatch_event_rule.targets.name
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  target_id      = "batch"
  arn            = "arn:aws:batch:us-east-1:${local.account}:job-queue/tf"
  role_arn       = "arn:aws:iam::${local.account}:role/tf-batch"
  batch_target {
    job_definition = "arn:aws:batch:us-east-1:${local.account}:job-definition/tf:1"
    job_name       = "job-${local.g}"
    array_size     = 2
    job_attempts   = local.g
  }
}

resource "aws_cloudwatch_event_target" "run_command" {
  rule           = aws_cloudwatch_event_rule.targets.name
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  target_id      = "run-command"
  arn            = "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
  role_arn       = "arn:aws:iam::${local.account}:role/tf-ssm"
  run_command_targets {
    key    = "tag:Env"
    values = ["g${local.g}"]
  }
}

resource "aws_cloudwatch_event_rule" "more_targets" {
  name          = "tf-more-targets"
  description   = "more targets, generation ${local.g}"
  event_pattern = jsonencode({ source = ["tf.more"] })
  state         = local.g == 1 ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" : "ENABLED"
}

resource "aws_cloudwatch_event_target" "sagemaker" {
  rule      = aws_cloudwatch_event_rule.more_targets.name
  target_id = "sagemaker"
  arn       = "arn:aws:sagemaker:us-east-1:${local.account}:pipeline/tf"
  role_arn  = "arn:aws:iam::${local.account}:role/tf-sagemaker"
  sagemaker_pipeline_target {
    pipeline_parameter_list {
      name  = "generation"
      value = "v${local.g}"
    }
  }
}

resource "aws_cloudwatch_event_target" "redshift" {
  rule      = aws_cloudwatch_event_rule.more_targets.name
  target_id = "redshift"
  arn       = "arn:aws:redshift:us-east-1:${local.account}:cluster:tf"
  role_arn  = "arn:aws:iam::${local.account}:role/tf-redshift"
  redshift_target {
    database            = "db"
    secrets_manager_arn = "arn:aws:secretsmanager:us-east-1:${local.account}:secret:tf-redshift-AbCdEf"
    sql                 = "select ${local.g}"
    statement_name      = "statement-${local.g}"
    with_event          = local.g == 2
  }
}

resource "aws_cloudwatch_event_target" "appsync" {
  rule      = aws_cloudwatch_event_rule.more_targets.name
  target_id = "appsync"
  arn       = "arn:aws:appsync:us-east-1:${local.account}:apis/abcdefghijklmnopqrstuvwxyz/endpoints/graphql-api"
  role_arn  = "arn:aws:iam::${local.account}:role/tf-appsync"
  appsync_target {
    graphql_operation = "mutation Record { record(generation: ${local.g}) { id } }"
  }
  input_transformer {
    input_paths    = { id = "$.id" }
    input_template = "{\"id\": <id>}"
  }
}

resource "aws_cloudwatch_event_target" "lambda" {
  rule      = aws_cloudwatch_event_rule.more_targets.name
  target_id = "lambda"
  arn       = "arn:aws:lambda:us-east-1:${local.account}:function:tf"
  input_transformer {
    # A string template, with no input paths.
    input_template = "\"generation ${local.g} of <aws.events.rule-name>\""
  }
}

resource "aws_cloudwatch_event_target" "api_gateway" {
  rule      = aws_cloudwatch_event_rule.more_targets.name
  target_id = "api-gateway"
  arn       = "arn:aws:execute-api:us-east-1:${local.account}:abcde12345/prod/POST/orders/*"
  http_target {
    path_parameter_values   = ["$.detail.id${local.g}"]
    query_string_parameters = { generation = tostring(local.g) }
  }
}

resource "aws_cloudwatch_event_bus" "kms" {
  name               = "tf-kms"
  kms_key_identifier = "arn:aws:kms:us-east-1:${local.account}:key/1234abcd-12ab-34cd-56ef-1234567890a${local.g}"
}

# On the default bus: anyone in an organization.
resource "aws_cloudwatch_event_permission" "organization" {
  statement_id = "tf-organization"
  principal    = "*"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-1234567${local.g}"
  }
}
