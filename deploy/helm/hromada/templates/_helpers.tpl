{{/*
Names, labels and the per-component settings every template shares.
*/}}

{{- define "hromada.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hromada.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's object name: <fullname>-<component>. Call with (dict "root" $ "name" $name). */}}
{{- define "hromada.componentName" -}}
{{- printf "%s-%s" (include "hromada.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hromada.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object of the release. */}}
{{- define "hromada.labels" -}}
helm.sh/chart: {{ include "hromada.chart" . }}
app.kubernetes.io/name: {{ include "hromada.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: hromada
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component. Call with (dict "root" $ "name" $name). */}}
{{- define "hromada.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hromada.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* All labels of one component's objects. Call with (dict "root" $ "name" $name). */}}
{{- define "hromada.componentLabels" -}}
{{ include "hromada.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "hromada.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hromada.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A component's values: .Values.defaults overlaid with .Values.components.<name>.
Call with (dict "root" $ "name" $name); renders YAML for fromYaml. */}}
{{- define "hromada.component" -}}
{{- $c := mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy (index .root.Values.components .name)) -}}
{{- toYaml $c -}}
{{- end -}}

{{/* The component's image reference. Call with (dict "root" $ "name" $name "c" $c). */}}
{{- define "hromada.image" -}}
{{- $image := .c.image | default dict -}}
{{- $repository := $image.repository | default (printf "%s/%s" .root.Values.image.repository .name) -}}
{{- $tag := $image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/* The env prefix of a component's own settings: HROMADA_<NAME>_. */}}
{{- define "hromada.prefix" -}}
{{- printf "HROMADA_%s_" (.name | upper | replace "-" "_") -}}
{{- end -}}

{{/*
A component's plain (non-secret) settings as a YAML map: the shared config, then what the
chart knows (listen address, where the other components are), then the component's own env.
Call with (dict "root" $ "name" $name "c" $c). The chart fails on a value that looks like a
credential: those go through secretEnv (a Secret's key), never through a ConfigMap.
*/}}
{{- define "hromada.plainEnv" -}}
{{- $root := .root -}}
{{- $prefix := include "hromada.prefix" . -}}
{{- $env := dict -}}
{{- range $k, $v := $root.Values.config -}}
{{- $_ := set $env $k (toString $v) -}}
{{- end -}}
{{- $_ := set $env (printf "%sHOST" $prefix) "0.0.0.0" -}}
{{- $_ := set $env (printf "%sPORT" $prefix) (toString .c.port) -}}
{{- if eq .name "gateway" -}}
{{- range $svc := list "appeals" "petitions" "budget" "queue" "payments" "notify" "bot" "web" -}}
{{- if (include "hromada.component" (dict "root" $root "name" $svc) | fromYaml).enabled -}}
{{- $url := printf "http://%s:%v" (include "hromada.componentName" (dict "root" $root "name" $svc)) $root.Values.service.port -}}
{{- $_ := set $env (printf "HROMADA_GATEWAY_%s_URL" (upper $svc)) $url -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if has .name (list "web" "bot") -}}
{{- /* Both reach the suite only through the public API, over the cluster's network. */ -}}
{{- $gateway := printf "http://%s:%v" (include "hromada.componentName" (dict "root" $root "name" "gateway")) $root.Values.service.port -}}
{{- $_ := set $env (printf "%sGATEWAY_URL" $prefix) $gateway -}}
{{- end -}}
{{- if eq .name "web" -}}
{{- $_ := set $env "HROMADA_WEB_OIDC_REDIRECT_URL" (printf "%s/app/sign-in/callback" $root.Values.publicUrl) -}}
{{- end -}}
{{- if eq .name "bot" -}}
{{- $_ := set $env "HROMADA_BOT_WEBHOOK_PUBLIC_URL" $root.Values.publicUrl -}}
{{- $_ := set $env "HROMADA_BOT_CABINET_URL" (printf "%s/app" $root.Values.publicUrl) -}}
{{- end -}}
{{- if eq .name "payments" -}}
{{- $_ := set $env "HROMADA_PAYMENTS_QUEUE_URL" (printf "http://%s:%v" (include "hromada.componentName" (dict "root" $root "name" "queue")) $root.Values.service.port) -}}
{{- $_ := set $env "HROMADA_PAYMENTS_CALLBACK_BASE_URL" $root.Values.publicUrl -}}
{{- end -}}
{{- range $k, $v := .c.env -}}
{{- $_ := set $env $k (toString $v) -}}
{{- end -}}
{{- range $k, $v := $env -}}
{{- if regexMatch (include "hromada.secretNamePattern" .) $k -}}
{{- fail (printf "%s: %s looks like a credential; give it with secretEnv (an existing Secret's key), never as a plain value" $.name $k) -}}
{{- end -}}
{{- if regexMatch (include "hromada.secretValuePattern" .) $v -}}
{{- fail (printf "%s: the value of %s carries a credential (user:password@); give it with secretEnv" $.name $k) -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* Settings that are credentials, or infrastructure endpoints the issue keeps in Secrets:
never a plain value. Kept here, not in values, so a values file cannot switch the guard off. */}}
{{- define "hromada.secretNamePattern" -}}
(?i)(SECRET|PASSWORD|PASSWD|TOKEN$|_KEY$|_KEYS$|CREDENTIAL|SMS_PROVIDERS|MONGO_URL|KAFKA_BOOTSTRAP|S3_ENDPOINT|OTLP_ENDPOINT|JWT_ISSUER|JWKS_URL|JWT_AUDIENCE)
{{- end -}}

{{/* user:password@ in a URL. */}}
{{- define "hromada.secretValuePattern" -}}
[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\s:]+:[^/@\s]+@
{{- end -}}

{{/* env entries read from Secrets: the shared infrastructure Secret, then the component's
secretEnv. Call with (dict "root" $ "name" $name "c" $c). */}}
{{- define "hromada.secretEnv" -}}
{{- $infra := .root.Values.infrastructure -}}
{{- range $var, $key := $infra.env }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $infra.existingSecret }}
      key: {{ $key }}
      {{- if has $var $infra.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- range $var, $ref := .c.secretEnv }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.secretEnv.%s.secret" $.name $var) $ref.secret }}
      key: {{ required (printf "%s.secretEnv.%s.key" $.name $var) $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/* Pod and container security settings shared by Deployments and the init Job. */}}
{{- define "hromada.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsUser }}
fsGroup: {{ .Values.securityContext.runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "hromada.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
{{- end -}}
