/** The station's small component set; flows and pages build only from these. */
export { Button, type ButtonProps, type ButtonVariant } from './Button';
export { TextField, type TextFieldProps } from './TextField';
export { Dialog, type DialogProps } from './Dialog';
export { Stepper, type StepperProps } from './Stepper';
export { ToastProvider, useToasts, type Toasts, type ToastTone } from './Toast';
export { PageLayout, type PageLayoutProps } from './PageLayout';
export { Loading, ErrorNotice, Notice } from './Status';
export { Icon, methodIconName, type IconName } from './Icon';
