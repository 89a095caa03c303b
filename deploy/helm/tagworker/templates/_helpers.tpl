{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "tagworker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name, plus the chart name unless the release name already contains it. At most 52
characters: the StatefulSet controller labels each pod with controller-revision-hash=<StatefulSet name>-<10
characters>, and a label value may have 63, so a longer StatefulSet name would leave its pods uncreatable.
*/}}
{{- define "tagworker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tagworker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tagworker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tagworker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tagworker.labels" -}}
helm.sh/chart: {{ include "tagworker.chart" . }}
{{ include "tagworker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "tagworker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tagworker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tagworker.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
A configuration value as text. YAML numbers reach templates as floats, which print as 1.4e+09; whole numbers are
printed as integers instead.
*/}}
{{- define "tagworker.scalar" -}}
{{- if kindIs "float64" . }}
{{- if eq . (floor .) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- else }}
{{- . }}
{{- end }}
{{- end }}

{{/* The replica count the rate budget and ordering checks must assume: KEDA's maximum when it scales. */}}
{{- define "tagworker.maxReplicas" -}}
{{- if .Values.keda.enabled }}{{ int .Values.keda.maxReplicaCount }}{{ else }}{{ int .Values.replicaCount }}{{ end }}
{{- end }}

{{/* Short Service Bus namespace name for KEDA. */}}
{{- define "tagworker.kedaNamespace" -}}
{{- default (first (splitList "." .Values.serviceBus.fullyQualifiedNamespace)) .Values.keda.serviceBusNamespace }}
{{- end }}

{{/*
The worker settings the chart models, as JSON (`Section__Key` -> value; empty values are dropped by the ConfigMap).
One place for the ConfigMap and for the check that extraSettings does not set any of them behind the chart's back.
*/}}
{{- define "tagworker.modelledSettings" -}}
{{- $sb := .Values.serviceBus }}
{{- $im := .Values.imApi }}
{{- $settings := dict
  "Source" "ServiceBus"
  "Simulator__Embedded" false
  "Urls" (printf "http://+:%d" (int .Values.containerPort))
  "HostOptions__ShutdownTimeout" .Values.shutdown.timeout
  "ServiceBus__FullyQualifiedNamespace" $sb.fullyQualifiedNamespace
  "ServiceBus__QueueName" $sb.queueName
  "ServiceBus__TopicName" $sb.topicName
  "ServiceBus__SubscriptionName" $sb.subscriptionName
  "ServiceBus__SessionsEnabled" $sb.sessionsEnabled
  "ServiceBus__PartitionCount" $sb.partitionCount
  "ServiceBus__EntityLockDuration" $sb.entityLockDuration
  "ServiceBus__MaxDeliveryCount" $sb.maxDeliveryCount
  "ServiceBus__MaxConcurrentSessions" $sb.maxConcurrentSessions
  "ServiceBus__SessionIdleTimeout" $sb.sessionIdleTimeout
  "ServiceBus__PrefetchCount" $sb.prefetchCount
  "ServiceBus__MaxConcurrentMessages" $sb.maxConcurrentMessages
  "ServiceBus__MaxAutoLockRenewal" $sb.maxAutoLockRenewal
  "ImApi__Region" $im.region
  "ImApi__BaseUrl" $im.baseUrl
  "ImApi__SdkAppId" $im.sdkAppId
  "ImApi__AdminIdentifier" $im.adminIdentifier
  "ImApi__RequestsPerSecond" $im.requestsPerSecond
  "ImApi__MaxConcurrentRequests" $im.maxConcurrentRequests
  "ImApi__Timeout" $im.timeout
  "ImApi__UserSigLifetime" $im.userSigLifetime
  "ImApi__UserSigRenewBefore" $im.userSigRenewBefore
  "RateLimit__Mode" .Values.rateLimit.mode
  "RateLimit__Replicas" (include "tagworker.maxReplicas" .)
  "RateLimit__Redis__KeyPrefix" .Values.rateLimit.redis.keyPrefix
  "RateLimit__Redis__OperationTimeout" .Values.rateLimit.redis.operationTimeout
  "RateLimit__Redis__ReconnectInterval" .Values.rateLimit.redis.reconnectInterval
  "Pipeline__MaxHeldMessages" .Values.pipeline.maxHeldMessages
  "Batching__MaxBatchDelay" .Values.batching.maxBatchDelay
  "Batching__MaxUsersPerRequest" .Values.batching.maxUsersPerRequest
  "Batching__MaxTagsPerUserPerRequest" .Values.batching.maxTagsPerUserPerRequest
  "Batching__MaxBacklogHold" .Values.batching.maxBacklogHold
  "Retry__MaxAttempts" .Values.retry.maxAttempts
  "Retry__BaseDelay" .Values.retry.baseDelay
  "Retry__MaxDelay" .Values.retry.maxDelay
  "Retry__FrequencyLimitDelay" .Values.retry.frequencyLimitDelay
  "Circuit__ProbeInterval" .Values.circuit.probeInterval
  "Serilog__MinimumLevel__Default" .Values.logging.level
  "Logging__Format" .Values.logging.format
  "Telemetry__Prometheus__Enabled" .Values.metrics.prometheus.enabled
  "Telemetry__Prometheus__Path" .Values.metrics.prometheus.path
  "OTEL_EXPORTER_OTLP_ENDPOINT" .Values.otel.endpoint
  "OTEL_EXPORTER_OTLP_PROTOCOL" .Values.otel.protocol
  "OTEL_SERVICE_NAME" (default (include "tagworker.fullname" .) .Values.otel.serviceName)
  "OTEL_RESOURCE_ATTRIBUTES" .Values.otel.resourceAttributes
}}
{{- range $namespace, $level := .Values.logging.overrides }}
{{- $_ := set $settings (printf "Serilog__MinimumLevel__Override__%s" $namespace) $level }}
{{- end }}
{{- toJson $settings }}
{{- end }}

{{/*
Settings the chart sets outside the ConfigMap: secrets by reference and the downward API. Also off limits to
extraSettings.
*/}}
{{- define "tagworker.envSettings" -}}
ImApi__SecretKey ServiceBus__ConnectionString RateLimit__Redis__ConnectionString POD_NAME POD_NAMESPACE
{{- end }}

{{/* A setting's name as .NET configuration compares it: case-insensitive, ':' and '__' alike. */}}
{{- define "tagworker.settingKey" -}}
{{- . | lower | replace ":" "__" }}
{{- end }}

{{/*
Refuses settings that would break the worker's guarantees or cannot start. Included by the StatefulSet (and so by
every render), so `helm template` and `helm install` fail with the reason.
*/}}
{{- define "tagworker.validate" -}}
{{- $sb := .Values.serviceBus }}
{{- $im := .Values.imApi }}
{{- $maxReplicas := int (include "tagworker.maxReplicas" .) }}

{{- /* Per-user order: one consumer per user at a time; without sessions that means one replica (issue 8). */}}
{{- if and (or (gt $maxReplicas 1) .Values.keda.enabled) (not $sb.sessionsEnabled) }}
{{- fail (printf "tagworker: more than one consumer (replicaCount %d) or KEDA scaling (keda.enabled) needs serviceBus.sessionsEnabled=true. Per-user order holds only while each user's events go to one consumer at a time: without sessions two replicas would take the same user's events in parallel and could apply an older change after a newer one. Use a session-enabled queue whose publishers set SessionId to the user's partition key (docs/events.md), or run one replica without KEDA." (int .Values.replicaCount)) }}
{{- end }}

{{- /* Service Bus: authentication and entity. */}}
{{- $fqns := $sb.fullyQualifiedNamespace }}
{{- $connSecret := $sb.connectionString.existingSecret }}
{{- if and $fqns $connSecret }}
{{- fail "tagworker: set one of serviceBus.fullyQualifiedNamespace (workload identity) and serviceBus.connectionString.existingSecret, not both" }}
{{- end }}
{{- if not (or $fqns $connSecret) }}
{{- fail "tagworker: set serviceBus.fullyQualifiedNamespace (workload identity) or serviceBus.connectionString.existingSecret" }}
{{- end }}
{{- if and $sb.queueName (or $sb.topicName $sb.subscriptionName) }}
{{- fail "tagworker: set serviceBus.queueName, or serviceBus.topicName with serviceBus.subscriptionName, not both" }}
{{- end }}
{{- if and (not $sb.queueName) (not (and $sb.topicName $sb.subscriptionName)) }}
{{- fail "tagworker: set serviceBus.queueName, or both serviceBus.topicName and serviceBus.subscriptionName" }}
{{- end }}

{{- /* IM API. */}}
{{- if and $im.region $im.baseUrl }}
{{- fail "tagworker: set one of imApi.region and imApi.baseUrl, not both" }}
{{- end }}
{{- if not (or $im.region $im.baseUrl) }}
{{- fail "tagworker: set imApi.region (China, Singapore, Seoul, Tokyo, Frankfurt, SiliconValley, Jakarta, Mumbai) or imApi.baseUrl; without either the worker would not call the real API" }}
{{- end }}
{{- if not $im.sdkAppId }}
{{- fail "tagworker: imApi.sdkAppId is required (quote it)" }}
{{- end }}
{{- if not $im.adminIdentifier }}
{{- fail "tagworker: imApi.adminIdentifier is required (an app administrator account)" }}
{{- end }}
{{- if not $im.secretKey.existingSecret }}
{{- fail "tagworker: imApi.secretKey.existingSecret is required: the name of a Secret holding the app's secret key under imApi.secretKey.key" }}
{{- end }}

{{- /*
Rate budget: the vendor allows 100 calls/s per endpoint for the whole app (SDKAppID). With rateLimit.mode=Local each
replica spends ImApi:RequestsPerSecond on its own, so all replicas together must stay within it; with Redis the
replicas take from one shared budget and the sum does not apply.
*/}}
{{- $mode := toString .Values.rateLimit.mode }}
{{- if not (has $mode (list "Local" "Redis")) }}
{{- fail (printf "tagworker: rateLimit.mode must be Local or Redis, not %q" $mode) }}
{{- end }}
{{- if and (eq $mode "Redis") (not .Values.rateLimit.redis.connectionString.existingSecret) }}
{{- fail "tagworker: rateLimit.mode=Redis needs rateLimit.redis.connectionString.existingSecret: the name of a Secret holding the StackExchange.Redis connection string under rateLimit.redis.connectionString.key" }}
{{- end }}
{{- $rps := 98.0 }}
{{- if not (kindIs "invalid" $im.requestsPerSecond) }}
{{- $rps = float64 $im.requestsPerSecond }}
{{- end }}
{{- $limit := 100.0 }}
{{- $total := mulf $rps (float64 $maxReplicas) }}
{{- if and (eq $mode "Local") (gt $total $limit) }}
{{- fail (printf "tagworker: with rateLimit.mode=Local every replica spends imApi.requestsPerSecond (%v, default 98) on its own; %d replicas would send up to %v calls/s per endpoint, over the vendor's %v for the whole app. Lower imApi.requestsPerSecond to at most %v (%v keeps the default's 2%% headroom), or share one budget with rateLimit.mode=Redis." $rps $maxReplicas $total $limit (floor (divf $limit (float64 $maxReplicas))) (floor (divf 98.0 (float64 $maxReplicas)))) }}
{{- end }}

{{- /* extraSettings must not set what the chart models (and checks) under another spelling. */}}
{{- $modelled := list }}
{{- range $key, $_ := (include "tagworker.modelledSettings" . | fromJson) }}
{{- $modelled = append $modelled (include "tagworker.settingKey" $key) }}
{{- end }}
{{- range (splitList " " (include "tagworker.envSettings" .)) }}
{{- $modelled = append $modelled (include "tagworker.settingKey" .) }}
{{- end }}
{{- range $key, $_ := .Values.extraSettings }}
{{- if has (include "tagworker.settingKey" $key) $modelled }}
{{- fail (printf "tagworker: extraSettings.%s sets a setting the chart models (values.yaml names it); set that value instead, where the chart checks it" $key) }}
{{- end }}
{{- end }}

{{- /* Shutdown: the kubelet must not kill the worker mid-drain. */}}
{{- $timeout := toString .Values.shutdown.timeout }}
{{- if not (regexMatch "^[0-9]{1,2}:[0-9]{2}:[0-9]{2}$" $timeout) }}
{{- fail (printf "tagworker: shutdown.timeout must be a TimeSpan hh:mm:ss, not %q" $timeout) }}
{{- end }}
{{- $parts := splitList ":" $timeout }}
{{- $seconds := add (mul (atoi (index $parts 0)) 3600) (mul (atoi (index $parts 1)) 60) (atoi (index $parts 2)) }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (add $seconds 5) }}
{{- fail (printf "tagworker: terminationGracePeriodSeconds (%d) must exceed shutdown.timeout (%d s) by at least 5 s, or the kubelet kills the worker while it is still settling messages" (int .Values.terminationGracePeriodSeconds) $seconds) }}
{{- end }}

{{- /* Identity. */}}
{{- if and .Values.workloadIdentity.enabled (not .Values.workloadIdentity.clientId) }}
{{- fail "tagworker: workloadIdentity.enabled needs workloadIdentity.clientId" }}
{{- end }}

{{- /* KEDA. */}}
{{- if .Values.keda.enabled }}
{{- if gt (int .Values.keda.minReplicaCount) (int .Values.keda.maxReplicaCount) }}
{{- fail "tagworker: keda.minReplicaCount must not exceed keda.maxReplicaCount" }}
{{- end }}
{{- $kedaAuth := toString .Values.keda.auth.type }}
{{- if eq $kedaAuth "azure-workload" }}
{{- if not (include "tagworker.kedaNamespace" .) }}
{{- fail "tagworker: KEDA with azure-workload auth needs keda.serviceBusNamespace or serviceBus.fullyQualifiedNamespace" }}
{{- end }}
{{- else if eq $kedaAuth "connectionString" }}
{{- if not .Values.keda.auth.existingSecret }}
{{- fail "tagworker: keda.auth.type=connectionString needs keda.auth.existingSecret (a connection string with Manage rights)" }}
{{- end }}
{{- else }}
{{- fail (printf "tagworker: keda.auth.type must be azure-workload or connectionString, not %q" $kedaAuth) }}
{{- end }}
{{- if .Values.keda.fallback.enabled }}
{{- if gt (int .Values.keda.fallback.replicas) (int .Values.keda.maxReplicaCount) }}
{{- fail (printf "tagworker: keda.fallback.replicas (%d) must not exceed keda.maxReplicaCount (%d): the ordering and rate-budget checks assume at most maxReplicaCount replicas" (int .Values.keda.fallback.replicas) (int .Values.keda.maxReplicaCount)) }}
{{- end }}
{{- end }}
{{- end }}

{{- /* Metrics. */}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.prometheus.enabled) }}
{{- fail "tagworker: metrics.serviceMonitor.enabled needs metrics.prometheus.enabled=true (the worker serves /metrics only then)" }}
{{- end }}
{{- end }}
