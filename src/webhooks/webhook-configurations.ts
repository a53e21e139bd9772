import { GROUP, VERSION } from '../resources/api-group.ts';
import { kinds } from '../resources/index.ts';

export const WEBHOOK_CONFIGURATION_NAME = 'dcos-operator';
export const VALIDATING_WEBHOOK = 'validate.dcos.dev';
export const MUTATING_WEBHOOK = 'default.dcosservices.dcos.dev';

/** Where the apiserver reaches the webhooks: the operator's Service in a cluster, a URL when it runs outside. */
export type WebhookTarget = { service: { namespace: string; name: string; port: number } } | { url: string };

function clientConfig(target: WebhookTarget, path: string, caBundle?: string): Record<string, unknown> {
  const base = 'url' in target ? { url: `${target.url.replace(/\/$/, '')}${path}` } : { service: { ...target.service, path } };
  return caBundle ? { ...base, caBundle } : base;
}

/**
 * The admission webhook configurations. Validation fails closed (failurePolicy Fail): a spec that
 * was never checked could reach the controllers. Defaulting fails open (Ignore): the controllers
 * apply the same Marathon defaults when they translate, so skipping it only changes what
 * `kubectl get -o yaml` shows, never what runs. Neither webhook sees DELETE or status writes.
 */
export function webhookConfigurations(target: WebhookTarget, caBundle?: string): Array<Record<string, unknown>> {
  const common = { sideEffects: 'None', admissionReviewVersions: ['v1'], matchPolicy: 'Equivalent' };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels: { 'app.kubernetes.io/name': 'dcos-operator' } },
      webhooks: [
        {
          name: VALIDATING_WEBHOOK,
          clientConfig: clientConfig(target, '/validate', caBundle),
          rules: [{ apiGroups: [GROUP], apiVersions: [VERSION], operations: ['CREATE', 'UPDATE'], resources: kinds.map((k) => k.plural), scope: '*' }],
          failurePolicy: 'Fail',
          timeoutSeconds: 5,
          ...common,
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels: { 'app.kubernetes.io/name': 'dcos-operator' } },
      webhooks: [
        {
          name: MUTATING_WEBHOOK,
          clientConfig: clientConfig(target, '/mutate/dcosservices', caBundle),
          rules: [{ apiGroups: [GROUP], apiVersions: [VERSION], operations: ['CREATE', 'UPDATE'], resources: ['dcosservices'], scope: 'Namespaced' }],
          failurePolicy: 'Ignore',
          timeoutSeconds: 3,
          reinvocationPolicy: 'Never',
          ...common,
        },
      ],
    },
  ];
}
